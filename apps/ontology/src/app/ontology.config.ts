import { baseConfigSchema, databaseConfigSchema, z } from '@vigie/shared-config';

export const ontologyConfigSchema = baseConfigSchema.extend(databaseConfigSchema.shape).extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('ontology'),
});
export type OntologyConfig = z.infer<typeof ontologyConfigSchema>;
