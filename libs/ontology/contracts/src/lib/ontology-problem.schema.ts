import { z } from 'zod';

/**
 * One reason an ontology document, a type change or a set of property values is refused.
 * `path` names the offending place (`Person.properties.birthDate`, `links[3].to`), `affected`
 * how many stored objects or links a breaking change would invalidate.
 */
export const ontologyProblemSchema = z.object({
  code: z.string().min(1),
  path: z.string(),
  message: z.string(),
  affected: z.number().int().nonnegative().optional(),
});
export type OntologyProblem = z.infer<typeof ontologyProblemSchema>;

/** `details` of an `OntologyException` that lists problems. */
export const ontologyProblemsDetailsSchema = z.object({ problems: z.array(ontologyProblemSchema) });
export type OntologyProblemsDetails = z.infer<typeof ontologyProblemsDetailsSchema>;
