import { baseConfigSchema, databaseConfigSchema, z } from '@vigie/shared-config';

export const identityConfigSchema = baseConfigSchema.extend(databaseConfigSchema.shape).extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('identity'),
});
export type IdentityConfig = z.infer<typeof identityConfigSchema>;
