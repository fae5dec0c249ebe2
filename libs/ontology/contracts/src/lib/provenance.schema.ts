import { z } from 'zod';

/**
 * Where a value came from: the source (a dataset, a feed, `console` for a manual edit), the
 * ingestion job, the record inside the source and its line. Carried by objects, links and
 * every property value.
 */
export const provenanceSchema = z.object({
  source: z.string().min(1).max(200),
  jobId: z.string().min(1).max(100).optional(),
  recordKey: z.string().min(1).max(500).optional(),
  line: z.number().int().nonnegative().optional(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** The stated purpose of an act (from the `x-purpose` header), kept on every version. */
export const purposeSchema = z.object({
  caseRef: z.string().min(1).max(200),
  justification: z.string().min(1).max(2000),
});
export type Purpose = z.infer<typeof purposeSchema>;

/** Who did something, as established from the verified token (never from a payload). */
export const actorSchema = z.object({
  subject: z.string().min(1),
  username: z.string().optional(),
  /** `user` for a person, `service` for work a service does on its own behalf. */
  kind: z.enum(['user', 'service']),
});
export type Actor = z.infer<typeof actorSchema>;

/**
 * The actor as stored with a version, a merge or an ontology change: who (subject, username) and
 * what kind. The verified token's actor carries more — roles, clearance, compartments, client,
 * expiry — which readers of the history are never shown, which names compartments (themselves
 * need-to-know), and which cost ~270 bytes on every history row of an import.
 */
export function historyActor(actor: Actor): Actor {
  return { subject: actor.subject, ...(actor.username !== undefined ? { username: actor.username } : {}), kind: actor.kind };
}
