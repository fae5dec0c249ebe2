import { z } from 'zod';
import { defineRequest } from '@vigie/shared-contracts';

/**
 * Streamed NDJSON export of a tenant's audit chain, chunk by chunk over request/reply (NATS
 * messages are small and neither the gateway nor the audit service may use the object store).
 *
 * The first call names the range (seqs or a recordedAt window) and gets the export header, the
 * checkpoint lines and the first records; each later call passes back `next` and gets the next
 * records. Lines are exactly the lines of the chain library's export format
 * (`vigie.audit.export` v1), so concatenated they are a file `vigie audit verify` checks offline.
 * Every chunk is an audited read (`audit.export`) and needs a purpose (`x-purpose`).
 *
 * Lives here rather than in `@vigie/audit-contracts` only until that library adopts it (its
 * `audit.v1.records.export` answers with an object-store location): see docs/adr/0010.
 */
export const exportContinuationSchema = z.strictObject({
  exportId: z.uuid(),
  fromSeq: z.number().int().min(1),
  toSeq: z.number().int().min(0),
  /** Last seq already sent. */
  afterSeq: z.number().int().min(0),
});
export type ExportContinuation = z.infer<typeof exportContinuationSchema>;

export const auditExportChunk = defineRequest({
  subject: 'audit.v1.records.export-chunk',
  description: "One chunk of a streamed NDJSON export of the caller's tenant's chain (header, checkpoints, records)",
  request: z
    .strictObject({
      /** First chunk: a seq range or a recordedAt window (none = the whole chain). */
      fromSeq: z.number().int().min(1).optional(),
      toSeq: z.number().int().min(1).optional(),
      from: z.iso.datetime().optional(),
      to: z.iso.datetime().optional(),
      /** Later chunks: the `next` of the previous answer. */
      next: exportContinuationSchema.optional(),
    })
    .refine((r) => !(r.next && (r.fromSeq ?? r.toSeq ?? r.from ?? r.to) !== undefined), {
      message: 'a continuation carries no range of its own',
      path: ['next'],
    })
    .refine((r) => !((r.fromSeq !== undefined || r.toSeq !== undefined) && (r.from !== undefined || r.to !== undefined)), {
      message: 'give either a seq range or a time range, not both',
      path: ['from'],
    }),
  response: z.strictObject({
    exportId: z.uuid(),
    tenant: z.string(),
    fromSeq: z.number().int().min(1),
    toSeq: z.number().int().min(0),
    /** NDJSON lines, each ending with "\n". */
    lines: z.array(z.string()),
    /** Pass back as `next`; null after the last chunk. */
    next: exportContinuationSchema.nullable(),
  }),
});
