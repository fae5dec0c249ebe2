import { baseConfigSchema, databaseConfigSchema, z } from '@vigie/shared-config';
import { authConfigSchema } from '@vigie/shared-auth';

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
  });
export type OntologyConfig = z.infer<typeof ontologyConfigSchema>;
