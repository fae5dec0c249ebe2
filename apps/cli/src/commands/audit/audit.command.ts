import { defineCommandGroup } from '../cli-command';
import { auditVerifyCommand } from './audit-verify.command';

export const auditCommand = defineCommandGroup('audit', 'Work with exports of the tamper-evident audit log.', [auditVerifyCommand]);
