import { baseConfigSchema, databaseConfigSchema, z } from '@vigie/shared-config';
import { authConfigSchema } from '@vigie/shared-auth';
import { ingestionFeatureConfigSchema } from '@vigie/ingestion-feature';

export const ingestionConfigSchema = baseConfigSchema
  .extend(databaseConfigSchema.shape)
  .extend(authConfigSchema.shape)
  .extend(ingestionFeatureConfigSchema.shape)
  .extend({
    DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('ingestion'),
  });
export type IngestionConfig = z.infer<typeof ingestionConfigSchema>;
