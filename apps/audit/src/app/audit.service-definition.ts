import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { auditHealthCheck } from '@vigie/audit-contracts';
import { AuditConfig, auditConfigSchema } from './audit.config';

export const auditService: NatsServiceDefinition<AuditConfig> = {
  service: 'audit',
  version: VIGIE_VERSION,
  configSchema: auditConfigSchema,
  healthContract: auditHealthCheck,
  persistence: { entities: [], migrations: [] },
  imports: () => [],
};
