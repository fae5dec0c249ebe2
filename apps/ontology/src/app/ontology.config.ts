import { baseConfigSchema, databaseConfigSchema, z } from '@vigie/shared-config';
import { authConfigSchema } from '@vigie/shared-auth';
import { CLASSIFICATION_LEVELS } from '@vigie/shared-policy';

export const ontologyConfigSchema = baseConfigSchema
  .extend(databaseConfigSchema.shape)
  .extend(authConfigSchema.shape)
  .extend({
    DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('ontology'),
    /** Tenants `load-default-ontology` prepares (comma-separated); others get the default lazily on first use. */
    ONTOLOGY_DEFAULT_TENANTS: z
      .string()
      .default('')
      .refine((v) => v.split(',').every((t) => t.trim() === '' || /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(t.trim())), 'must be a comma-separated list of realm names'),
    /**
     * Reading objects and links marked at or above this level needs a stated purpose (`x-purpose`):
     * without one, lists and counts leave them out and a single read answers 428 PURPOSE_REQUIRED.
     */
    PURPOSE_REQUIRED_FROM_LEVEL: z.enum(CLASSIFICATION_LEVELS).default('S'),
  });
export type OntologyConfig = z.infer<typeof ontologyConfigSchema>;
