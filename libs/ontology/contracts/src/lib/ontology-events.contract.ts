import { defineEvent } from '@vigie/shared-contracts';
import { z } from 'zod';
import { changeKindSchema, objectIdSchema, timestampSchema } from './common.schema';
import { linkViewSchema } from './link.contract';
import { objectViewSchema } from './object.contract';
import { ontologyDocumentSchema } from './ontology-model.schema';
import { actorSchema, purposeSchema } from './provenance.schema';
import { mergeViewSchema } from './resolution.contract';

/**
 * The ONTOLOGY stream: what changed, with the full current state (every property with its
 * marking), so projections never call back. Projections apply markings in their own queries.
 * `Nats-Msg-Id` is `eventId`; consumers are idempotent on (`id`, `version`).
 */
export const ONTOLOGY_STREAM = 'ONTOLOGY';

const eventEnvelope = {
  eventId: z.string().min(1),
  /** The tenant (realm) the change belongs to: events cross service boundaries, not user payloads. */
  tenant: z.string().min(1),
  occurredAt: timestampSchema,
  actor: actorSchema,
  purpose: purposeSchema.optional(),
  traceId: z.string().optional(),
};

export const objectChangedPayloadSchema = z.object({
  ...eventEnvelope,
  change: changeKindSchema,
  object: objectViewSchema,
});
export type ObjectChangedPayload = z.infer<typeof objectChangedPayloadSchema>;

export const linkChangedPayloadSchema = z.object({
  ...eventEnvelope,
  change: changeKindSchema,
  link: linkViewSchema,
});
export type LinkChangedPayload = z.infer<typeof linkChangedPayloadSchema>;

/**
 * Several changes in one message: what the ingest writer publishes for a batch (split by size so
 * each message stays well under the server's maximum payload). Each item is exactly what
 * `object.changed` / `link.changed` would carry; consumers apply them as such, idempotently on
 * (`id`, `version`). One JetStream acknowledgement per page instead of one per record.
 */
export const recordsChangedPayloadSchema = z.object({
  ...eventEnvelope,
  objects: z.array(z.object({ change: changeKindSchema, object: objectViewSchema })),
  links: z.array(z.object({ change: changeKindSchema, link: linkViewSchema })),
});
export type RecordsChangedPayload = z.infer<typeof recordsChangedPayloadSchema>;

export const entityMergedPayloadSchema = z.object({ ...eventEnvelope, merge: mergeViewSchema });
export type EntityMergedPayload = z.infer<typeof entityMergedPayloadSchema>;

export const typesChangedPayloadSchema = z.object({ ...eventEnvelope, document: ontologyDocumentSchema });
export type TypesChangedPayload = z.infer<typeof typesChangedPayloadSchema>;

const writeCountsSchema = z.object({
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
});

/** A record of a batch the ontology refused; ingestion quarantines it with this reason. */
export const batchRejectionSchema = z.object({
  kind: z.enum(['object', 'link']),
  sourceKey: z.string(),
  recordKey: z.string().optional(),
  line: z.number().int().nonnegative().optional(),
  code: z.string(),
  message: z.string(),
});
export type BatchRejection = z.infer<typeof batchRejectionSchema>;

export const batchProcessedPayloadSchema = z.object({
  ...eventEnvelope,
  batchId: z.string(),
  jobId: z.string(),
  source: z.string(),
  seq: z.number().int().nonnegative(),
  last: z.boolean(),
  objects: writeCountsSchema,
  links: writeCountsSchema,
  merged: z.number().int().nonnegative(),
  queuedForReview: z.number().int().nonnegative(),
  rejected: z.array(batchRejectionSchema),
  entityIds: z.array(objectIdSchema).optional(),
});
export type BatchProcessedPayload = z.infer<typeof batchProcessedPayloadSchema>;

export const objectChanged = defineEvent({
  subject: 'ontology.v1.events.object.changed',
  stream: ONTOLOGY_STREAM,
  description: 'An object was created, updated, deleted, restored, merged or unmerged; carries its full state',
  payload: objectChangedPayloadSchema,
});
export const linkChanged = defineEvent({
  subject: 'ontology.v1.events.link.changed',
  stream: ONTOLOGY_STREAM,
  description: 'A link was created, updated, deleted or restored; carries its full state',
  payload: linkChangedPayloadSchema,
});
export const recordsChanged = defineEvent({
  subject: 'ontology.v1.events.records.changed',
  stream: ONTOLOGY_STREAM,
  description: 'Several objects and links created or updated together (an ingest batch, split by size); each item carries its full state',
  payload: recordsChangedPayloadSchema,
});
export const entityMerged = defineEvent({
  subject: 'ontology.v1.events.entity.merged',
  stream: ONTOLOGY_STREAM,
  description: 'Records were merged into an entity (automatically or by an analyst)',
  payload: entityMergedPayloadSchema,
});
export const entityUnmerged = defineEvent({
  subject: 'ontology.v1.events.entity.unmerged',
  stream: ONTOLOGY_STREAM,
  description: 'A merge was undone; `merge.undoneAt` is set',
  payload: entityMergedPayloadSchema,
});
export const typesChanged = defineEvent({
  subject: 'ontology.v1.events.types.changed',
  stream: ONTOLOGY_STREAM,
  description: "A tenant's ontology changed; carries the whole new document",
  payload: typesChangedPayloadSchema,
});
export const batchProcessed = defineEvent({
  subject: 'ontology.v1.events.batch.processed',
  stream: ONTOLOGY_STREAM,
  description: 'An INGEST batch was written: counts, merges, and the records refused with reasons (for quarantine)',
  payload: batchProcessedPayloadSchema,
});
