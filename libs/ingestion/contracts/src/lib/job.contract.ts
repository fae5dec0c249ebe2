import { defineEvent, defineRequest } from '@vigie/shared-contracts';
import { markingSchema } from '@vigie/ontology-contracts';
import { z } from 'zod';
import {
  ingestionFormatSchema,
  jobCountsSchema,
  jobIdSchema,
  jobPositionSchema,
  jobSchema,
  jobStatusSchema,
  mappingErrorSchema,
  parseOptionsSchema,
  quarantinedRecordSchema,
} from './job.schema';

/**
 * Jobs over NATS. The tenant and the uploader come from the verified token, never from a payload.
 * The file itself is uploaded first (streamed into the object store) and named here.
 */
const page = {
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.number().int().min(1).max(500).default(50),
};

export const jobCreateRequestSchema = z
  .object({
    source: z.string().min(1).max(200),
    fileName: z.string().min(1).max(500),
    /** Name of the uploaded file in the ingestion object store. */
    objectName: z.string().min(1).max(500),
    format: ingestionFormatSchema,
    /** A stored mapping, or the mapping's text (YAML or JSON); STIX needs neither. */
    mappingId: z.uuid().optional(),
    mapping: z.string().min(1).max(1_000_000).optional(),
    /** Markings of every object of the job; default: the mapping's. Must not exceed the uploader's clearance. */
    markings: markingSchema.optional(),
    options: parseOptionsSchema.optional(),
    /**
     * Names the request (the gateway sends its upload session's id): a second create with the same
     * key in the tenant answers the job the first created instead of starting another — a retried
     * `complete` whose first answer was lost, or one taken over after a gateway died in it.
     */
    requestKey: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((r) => r.format === 'stix' || r.mappingId !== undefined || r.mapping !== undefined, {
    message: 'a mapping (mappingId or mapping) is required for csv, json and ndjson',
    path: ['mapping'],
  })
  .refine((r) => !(r.mappingId !== undefined && r.mapping !== undefined), { message: 'give mappingId or mapping, not both', path: ['mapping'] });
export type JobCreateRequest = z.infer<typeof jobCreateRequestSchema>;

export const jobCreate = defineRequest({
  subject: 'ingestion.v1.job.create',
  description: 'Start a job on an uploaded file: the mapping is validated and the markings checked against the clearance first',
  request: jobCreateRequestSchema,
  response: jobSchema,
});

export const jobGet = defineRequest({
  subject: 'ingestion.v1.job.get',
  description: 'One job with its counts and position',
  request: z.object({ id: jobIdSchema }).strict(),
  response: jobSchema,
});

export const jobList = defineRequest({
  subject: 'ingestion.v1.job.list',
  description: "The tenant's jobs, newest first",
  request: z.object({ status: jobStatusSchema.optional(), source: z.string().min(1).max(200).optional(), ...page }).strict(),
  response: z.object({ items: z.array(jobSchema), nextCursor: z.string().nullable() }),
});

export const jobCancel = defineRequest({
  subject: 'ingestion.v1.job.cancel',
  description: 'Stop a pending or running job; what was written stays written',
  request: z.object({ id: jobIdSchema }).strict(),
  response: jobSchema,
});

export const quarantineList = defineRequest({
  subject: 'ingestion.v1.quarantine.list',
  description: "A job's quarantined records, in file order",
  request: z.object({ jobId: jobIdSchema, code: z.string().min(1).max(100).optional(), ...page }).strict(),
  response: z.object({ items: z.array(quarantinedRecordSchema), nextCursor: z.string().nullable() }),
});

export const mappingValidateRequestSchema = z
  .object({
    /** The mapping's text (YAML or JSON)… */
    mapping: z.string().min(1).max(1_000_000).optional(),
    /** …or a stored mapping, checked against the tenant's ontology as it is now. */
    mappingId: z.uuid().optional(),
    /** The source's columns (a CSV header), to check the fields the mapping reads. */
    columns: z.array(z.string()).max(10_000).optional(),
  })
  .strict()
  .refine((r) => (r.mapping === undefined) !== (r.mappingId === undefined), { message: 'give mapping (the text) or mappingId (a stored mapping), exactly one', path: ['mapping'] });

export const mappingValidate = defineRequest({
  subject: 'ingestion.v1.mapping.validate',
  description: "Check a mapping against the tenant's ontology; errors name the path and the line",
  request: mappingValidateRequestSchema,
  response: z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      objects: z.array(z.object({ alias: z.string(), type: z.string(), optional: z.boolean() })),
      links: z.array(z.object({ type: z.string(), from: z.string(), to: z.string() })),
      fields: z.array(z.string()),
      markings: markingSchema,
    }),
    z.object({ ok: z.literal(false), errors: z.array(mappingErrorSchema) }),
  ]),
});

/** Stream of ingestion events (limits retention): job progress, for the console's SSE. */
export const INGESTION_EVENTS_STREAM = 'INGESTION';

export const jobProgressedPayloadSchema = z.object({
  jobId: jobIdSchema,
  status: jobStatusSchema,
  counts: jobCountsSchema,
  /** Records per second over the last interval. */
  rate: z.number().nonnegative(),
  /** Seconds left, when the file size is known. */
  etaSeconds: z.number().nonnegative().nullable(),
  /** Bytes read and file size, for a progress bar. */
  bytesRead: z.number().int().nonnegative(),
  bytesTotal: z.number().int().nonnegative().nullable(),
  position: jobPositionSchema.nullable(),
  at: z.iso.datetime({ offset: true }),
});
export type JobProgressedPayload = z.infer<typeof jobProgressedPayloadSchema>;

export const jobProgressed = defineEvent({
  subject: 'ingestion.v1.events.job.progressed',
  stream: INGESTION_EVENTS_STREAM,
  description: 'A job moved on (counts, rate, ETA) or changed status',
  payload: jobProgressedPayloadSchema,
});
