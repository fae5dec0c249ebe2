import { defineHealthContract } from '@vigie/shared-contracts';

/** Queue group of the audit service: replicas share requests. */
export const AUDIT_SERVICE = 'audit';

export const auditHealthCheck = defineHealthContract('audit');
