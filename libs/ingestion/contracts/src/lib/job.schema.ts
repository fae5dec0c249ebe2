import { markingSchema } from '@vigie/ontology-contracts';
import { z } from 'zod';

/** File formats the ingestion service reads. */
export const INGESTION_FORMATS = ['csv', 'json', 'ndjson', 'stix'] as const;
export const ingestionFormatSchema = z.enum(INGESTION_FORMATS);
export type IngestionFormat = z.infer<typeof ingestionFormatSchema>;

export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const jobIdSchema = z.uuid();
const timestamp = z.iso.datetime({ offset: true });

/**
 * A job's counts. Invariant once the job has finished: `read = written + quarantined`
 * (`valid` records were mapped; `written` of them were acknowledged by the ontology writer;
 * `merged` of the written objects were resolved into existing entities).
 */
export const jobCountsSchema = z.object({
  read: z.number().int().nonnegative(),
  valid: z.number().int().nonnegative(),
  quarantined: z.number().int().nonnegative(),
  written: z.number().int().nonnegative(),
  merged: z.number().int().nonnegative(),
});
export type JobCounts = z.infer<typeof jobCountsSchema>;

/** Reading options by format (all optional: detection decides). */
export const parseOptionsSchema = z
  .object({
    delimiter: z.enum([',', ';', '\t', '|']).optional(),
    encoding: z.enum(['utf8', 'windows-1252', 'latin1']).optional(),
    /** JSON: the key of the top-level object that holds the records. */
    path: z.string().min(1).max(200).optional(),
    maxFieldBytes: z.number().int().positive().optional(),
    maxRecordBytes: z.number().int().positive().optional(),
    maxDepth: z.number().int().min(1).max(1000).optional(),
    columnCount: z.enum(['strict', 'relaxed']).optional(),
  })
  .strict();
export type ParseOptionsInput = z.infer<typeof parseOptionsSchema>;

/** Where a job stands in its file: the last acknowledged record (a job resumes after it). */
export const jobPositionSchema = z.object({
  index: z.number().int().min(-1),
  offset: z.number().int().nonnegative(),
  line: z.number().int().nonnegative(),
});
export type JobPosition = z.infer<typeof jobPositionSchema>;

export const jobSchema = z.object({
  id: jobIdSchema,
  source: z.string().min(1).max(200),
  fileName: z.string().min(1).max(500),
  format: ingestionFormatSchema,
  status: jobStatusSchema,
  markings: markingSchema,
  mappingId: z.uuid().nullable(),
  counts: jobCountsSchema,
  /** What the reader detected: encoding, delimiter, columns… */
  detected: z.record(z.string(), z.unknown()).optional(),
  position: jobPositionSchema.nullable(),
  /** Why the job failed (a fatal file error or a dependency), in words. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdBy: z.string(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
});
export type Job = z.infer<typeof jobSchema>;

/** A record set aside, with where it was and why. */
export const quarantinedRecordSchema = z.object({
  jobId: jobIdSchema,
  index: z.number().int().nonnegative(),
  line: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** Stable reason code (`COLUMN_COUNT`, `INVALID_JSON`, `MAPPING_FAILED`…). */
  code: z.string(),
  reason: z.string(),
  /** The record's text, truncated. */
  raw: z.string(),
  at: timestamp,
});
export type QuarantinedRecord = z.infer<typeof quarantinedRecordSchema>;

/** One error of a mapping, located in its text. */
export const mappingErrorSchema = z.object({
  path: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  message: z.string(),
});
export type MappingErrorReply = z.infer<typeof mappingErrorSchema>;
