import { baseConfigSchema, databaseConfigSchema, z } from '@vigie/shared-config';

export const ingestionConfigSchema = baseConfigSchema.extend(databaseConfigSchema.shape).extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('ingestion'),
});
export type IngestionConfig = z.infer<typeof ingestionConfigSchema>;
