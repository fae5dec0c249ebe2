import { markingSchema } from '@vigie/ontology-contracts';
import { z } from 'zod';
import { ingestionFormatSchema, jobIdSchema, parseOptionsSchema } from './job.schema';

/**
 * Resumable uploads (`/api/v1/ingest/uploads`): a session is created with the file's name, its
 * declared size and the job's parameters; the bytes follow in chunks at an offset; `complete`
 * creates the job exactly as a one-shot upload would. These schemas are the HTTP bodies shared by
 * the gateway and the CLI (the session itself lives in the gateway's object store bucket).
 */
export const uploadSessionIdSchema = z.uuid();

export const uploadSessionCreateRequestSchema = z
  .object({
    fileName: z.string().min(1).max(500),
    /** Declared size of the whole file in bytes (not above the maximum upload size). */
    size: z.number().int().nonnegative(),
    /** Expected SHA-256 of the whole file (hex): `complete` refuses a file that differs. */
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
      .transform((s) => s.toLowerCase())
      .optional(),
    source: z.string().min(1).max(200).optional(),
    format: ingestionFormatSchema.optional(),
    mappingId: z.uuid().optional(),
    mapping: z.string().min(1).max(1_000_000).optional(),
    markings: markingSchema.optional(),
    options: parseOptionsSchema.optional(),
  })
  .strict()
  .refine((r) => !(r.mappingId !== undefined && r.mapping !== undefined), { message: 'give mappingId or mapping, not both', path: ['mapping'] });
export type UploadSessionCreateRequest = z.infer<typeof uploadSessionCreateRequestSchema>;

/** `completing`: the object is being recorded and the job created (a second `complete` is refused meanwhile). */
export const UPLOAD_SESSION_STATUSES = ['open', 'completing', 'completed', 'cancelled', 'expired'] as const;
export const uploadSessionStatusSchema = z.enum(UPLOAD_SESSION_STATUSES);
export type UploadSessionStatus = z.infer<typeof uploadSessionStatusSchema>;

/** What the caller sees of a session (GET, and the answer of every request on it). */
export const uploadSessionSchema = z.object({
  id: uploadSessionIdSchema,
  fileName: z.string(),
  size: z.number().int().nonnegative(),
  /** Bytes received and stored: the next chunk must start here. */
  offset: z.number().int().nonnegative(),
  status: uploadSessionStatusSchema,
  /** Chunks stored so far. */
  parts: z.number().int().nonnegative(),
  sha256: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  /** Without activity until then, the session and its parts are deleted. */
  expiresAt: z.iso.datetime({ offset: true }),
  /** The job created by `complete`. */
  jobId: jobIdSchema.nullable(),
});
export type UploadSessionView = z.infer<typeof uploadSessionSchema>;
