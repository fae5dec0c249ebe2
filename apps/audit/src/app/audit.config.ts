import { baseConfigSchema, databaseConfigSchema, secret, z } from '@vigie/shared-config';
import { auditFeatureConfigSchema } from '@vigie/audit-feature';

/**
 * The audit service's configuration. `DATABASE_URL` (the schema owner) is needed only by the
 * `migrate` command; the running service connects as the writer role (`AUDIT_WRITER_DATABASE_URL`).
 */
export const auditConfigSchema = baseConfigSchema
  .extend(databaseConfigSchema.shape)
  .extend(auditFeatureConfigSchema.shape)
  .extend({
    DATABASE_URL: secret(databaseConfigSchema.shape.DATABASE_URL.optional()),
    DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('audit'),
  });
export type AuditConfig = z.infer<typeof auditConfigSchema>;
