import { baseConfigSchema, databaseConfigSchema, z } from '@vigie/shared-config';

export const auditConfigSchema = baseConfigSchema.extend(databaseConfigSchema.shape).extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('audit'),
});
export type AuditConfig = z.infer<typeof auditConfigSchema>;
