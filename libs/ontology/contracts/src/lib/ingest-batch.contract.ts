import { defineEvent } from '@vigie/shared-contracts';
import { z } from 'zod';
import { linkTypeNameSchema, objectTypeNameSchema, propertyMarkingsSchema, temporalBoundSchema } from './common.schema';
import { classificationLevelSchema, compartmentSchema, markingSchema } from './marking.schema';
import { propertyValuesSchema } from './ontology-model.schema';

/**
 * The INGEST input contract, owned by the ontology: batches of mapped objects and links in the
 * ontology's own terms. Ingestion (and any later connector) publishes; the ontology writer is
 * the durable consumer.
 *
 * Tenant: never in the payload. It is the realm of the verified token in the `authorization`
 * header (the publisher's client-credentials token in that tenant's realm).
 *
 * Idempotency: an object is keyed by (tenant, source, sourceKey); a redelivered or re-published
 * batch writes nothing new. Publishers set `Nats-Msg-Id` to `batchMessageId(batch)`.
 */

/** Where a mapped record came from inside the job (source and job are the batch's). */
export const batchProvenanceSchema = z.object({
  recordKey: z.string().min(1).max(500).optional(),
  line: z.number().int().nonnegative().optional(),
});

const sourceKeySchema = z.string().min(1).max(500);

export const batchObjectSchema = z.object({
  type: objectTypeNameSchema,
  /** Stable key of the object inside its source (e.g. a registry number, a STIX id). */
  sourceKey: sourceKeySchema,
  properties: propertyValuesSchema,
  markings: markingSchema,
  propertyMarkings: propertyMarkingsSchema.optional(),
  provenance: batchProvenanceSchema.default({}),
});
export type BatchObject = z.infer<typeof batchObjectSchema>;

export const batchLinkSchema = z.object({
  type: linkTypeNameSchema,
  /** Key of the link inside its source; if absent it is derived from (type, ends, validFrom). */
  sourceKey: sourceKeySchema.optional(),
  fromSourceKey: sourceKeySchema,
  toSourceKey: sourceKeySchema,
  /** Source of the end objects when they come from another source than the batch's. */
  fromSource: z.string().min(1).max(200).optional(),
  toSource: z.string().min(1).max(200).optional(),
  properties: propertyValuesSchema.default({}),
  markings: markingSchema,
  propertyMarkings: propertyMarkingsSchema.optional(),
  validFrom: temporalBoundSchema.optional(),
  validTo: temporalBoundSchema.optional(),
  provenance: batchProvenanceSchema.default({}),
});
export type BatchLink = z.infer<typeof batchLinkSchema>;

/**
 * Who the publishing job writes for: the uploader's clearance when the job was created. The writer
 * refuses (dead-letters, with the reason) a batch holding a marking above it — a publisher cannot
 * write more than its uploader may. Optional for publishers that predate it.
 */
export const batchUploaderSchema = z.object({
  subject: z.string().min(1).max(200),
  clearance: classificationLevelSchema,
  compartments: z.array(compartmentSchema).max(64).default([]),
});
export type BatchUploader = z.infer<typeof batchUploaderSchema>;

/** Keep batches well under the NATS max payload (1 MiB by default): 1000 records is a good size. */
export const MAX_BATCH_RECORDS = 5000;

export const ingestBatchSchema = z
  .object({
    batchId: z.string().min(1).max(100),
    jobId: z.string().min(1).max(100),
    /** The source (dataset, feed) of every record in the batch. */
    source: z.string().min(1).max(200),
    /** Position of the batch in its job, from 0. */
    seq: z.number().int().nonnegative(),
    /** Set on the job's last batch. */
    last: z.boolean().default(false),
    /** The uploader of the publishing job and their clearance (see `batchUploaderSchema`). */
    uploader: batchUploaderSchema.optional(),
    objects: z.array(batchObjectSchema).default([]),
    links: z.array(batchLinkSchema).default([]),
  })
  .refine((b) => b.objects.length + b.links.length <= MAX_BATCH_RECORDS, {
    message: `a batch holds at most ${MAX_BATCH_RECORDS} objects and links`,
  });
export type IngestBatch = z.infer<typeof ingestBatchSchema>;
export type IngestBatchInput = z.input<typeof ingestBatchSchema>;

/** `Nats-Msg-Id` of a batch: the same batch published twice is deduplicated by JetStream. */
export function batchMessageId(batch: Pick<IngestBatch, 'jobId' | 'seq'>): string {
  return `ingest:${batch.jobId}:${batch.seq}`;
}

export const INGEST_STREAM = 'INGEST';

export const ingestBatchSubmitted = defineEvent({
  subject: 'ontology.v1.batches.mapped.submitted',
  stream: INGEST_STREAM,
  description: 'A batch of mapped objects and links to write (idempotently) into the ontology',
  payload: ingestBatchSchema,
});
