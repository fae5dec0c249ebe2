import { z } from 'zod';
import { defineRequest } from '@vigie/shared-contracts';
import { ACTION_PATTERN, auditEventSchema, auditOutcomeSchema, traceIdSchema } from './audit-event.schema';
import {
  chainRecordSchema,
  checkpointSchema,
  publicKeyInfoSchema,
  seqSchema,
  verifyReportSchema,
} from './audit-chain.schema';
import { AuditException, AuditExceptionCode } from './audit.exception';

// Every request is scoped to the caller's tenant, taken from the re-verified bearer token —
// never from the payload. The purpose of an export travels in the `x-purpose` header.

/**
 * Which chain a request reads: the caller's tenant's (`tenant`, the default) or the platform's own
 * (`platform`, tenant `_platform`: events no tenant can be named for — requests without a valid
 * token, tokens of unknown realms). The platform chain is readable only by auditors of the realms
 * the audit service lists in `AUDIT_PLATFORM_AUDITOR_REALMS` (none by default): see docs/adr/0010.
 */
export const auditChainSelectorSchema = z.enum(['tenant', 'platform']);
export type AuditChainSelector = z.infer<typeof auditChainSelectorSchema>;

/** Opaque keyset cursor (base64url); the service decodes it with `decodeSeqCursor`. */
export const cursorSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous page');

export const seqRangeSchema = z
  .strictObject({ fromSeq: seqSchema.optional(), toSeq: seqSchema.optional(), chain: auditChainSelectorSchema.optional() })
  .refine((r) => r.fromSeq === undefined || r.toSeq === undefined || r.fromSeq <= r.toSeq, {
    message: 'fromSeq must not be after toSeq',
    path: ['fromSeq'],
  });

/** `object.read` matches exactly; `object.*` matches the whole domain. */
export const actionFilterSchema = z
  .string()
  .max(100)
  .refine((a) => ACTION_PATTERN.test(a.endsWith('.*') ? a.slice(0, -2) : a), 'must be an action ("object.read") or a prefix ("object.*")');

export const auditRecordFilterSchema = z
  .strictObject({
    /** Actor `sub` or username. */
    actor: z.string().min(1).max(255).optional(),
    /** Records naming this resource (type optional). */
    resource: z.strictObject({ type: z.string().min(1).max(100).optional(), id: z.string().min(1).max(255) }).optional(),
    action: actionFilterSchema.optional(),
    /** Event time window, inclusive `from`, exclusive `to`. */
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
    purposeCaseRef: z.string().min(1).max(200).optional(),
    /** Only acts that stated (true) or did not state (false) a purpose. */
    withPurpose: z.boolean().optional(),
    outcome: auditOutcomeSchema.optional(),
    traceId: traceIdSchema.optional(),
  })
  .refine((f) => f.from === undefined || f.to === undefined || Date.parse(f.from) < Date.parse(f.to), {
    message: 'from must be before to',
    path: ['from'],
  });
export type AuditRecordFilter = z.infer<typeof auditRecordFilterSchema>;

/** A chained record whose event has the current event shape (what auditors query). */
export const auditRecordSchema = chainRecordSchema.extend({ event: auditEventSchema });
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const AUDIT_PAGE_MAX = 500;

export const auditRecordsQuery = defineRequest({
  subject: 'audit.v1.records.query',
  description: "Query the caller's tenant's audit records by actor, resource, action, time, purpose, outcome",
  request: z.strictObject({
    chain: auditChainSelectorSchema.optional(),
    filter: auditRecordFilterSchema.default({}),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
    cursor: cursorSchema.optional(),
  }),
  response: z.strictObject({
    records: z.array(auditRecordSchema),
    /** Pass back as `cursor` for the next page; null on the last page. */
    nextCursor: cursorSchema.nullable(),
  }),
});

/**
 * Streamed NDJSON export of the caller's tenant's chain, chunk by chunk over request/reply (NATS
 * messages are small; neither the gateway nor the audit service may use the object store).
 *
 * The first call names the range (seqs or a recordedAt window; none = the whole stored chain) and
 * gets the export header, the checkpoint lines and the first records; each later call passes back
 * `next` and gets the next records. Lines are exactly the lines of the chain library's export
 * format (`vigie.audit.export` v1, ADR 0004), so concatenated they are a file that
 * `vigie audit verify FILE --public-key K` checks offline. The request is stateless (`next` = the
 * range + the last seq sent), so replicas can serve alternate chunks. Every chunk is an audited
 * read (`audit.export`) and needs a purpose (`x-purpose`).
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
      fromSeq: seqSchema.optional(),
      toSeq: seqSchema.optional(),
      from: z.iso.datetime().optional(),
      to: z.iso.datetime().optional(),
      /** Later chunks: the `next` of the previous answer (with the same `chain`). */
      next: exportContinuationSchema.optional(),
      chain: auditChainSelectorSchema.optional(),
    })
    .refine((r) => !(r.next && (r.fromSeq ?? r.toSeq ?? r.from ?? r.to) !== undefined), {
      message: 'a continuation carries no range of its own',
      path: ['next'],
    })
    .refine((r) => !((r.fromSeq !== undefined || r.toSeq !== undefined) && (r.from !== undefined || r.to !== undefined)), {
      message: 'give either a seq range or a time range, not both',
      path: ['from'],
    })
    .refine((r) => r.fromSeq === undefined || r.toSeq === undefined || r.fromSeq <= r.toSeq, {
      message: 'fromSeq must not be after toSeq',
      path: ['fromSeq'],
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

export const auditChainVerify = defineRequest({
  subject: 'audit.v1.chain.verify',
  description: "Recompute the caller's tenant's chain (whole or a seq range) and its checkpoint signatures",
  request: seqRangeSchema,
  response: verifyReportSchema,
});

export const auditCheckpointsList = defineRequest({
  subject: 'audit.v1.checkpoints.list',
  description: "List the signed checkpoints of the caller's tenant's chain",
  request: z.strictObject({
    chain: auditChainSelectorSchema.optional(),
    fromSeq: seqSchema.optional(),
    toSeq: seqSchema.optional(),
    limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
    cursor: cursorSchema.optional(),
  }),
  response: z.strictObject({ checkpoints: z.array(checkpointSchema), nextCursor: cursorSchema.nullable() }),
});

export const auditKeysPublic = defineRequest({
  subject: 'audit.v1.keys.public',
  description: 'The public keys that verify checkpoint signatures (active and retired)',
  request: z.strictObject({}),
  response: z.strictObject({ keys: z.array(publicKeyInfoSchema) }),
});

/** Every request contract the audit service answers (besides its health check). */
export const AUDIT_REQUEST_CONTRACTS = [
  auditRecordsQuery,
  auditExportChunk,
  auditChainVerify,
  auditCheckpointsList,
  auditKeysPublic,
] as const;

const cursorPayload = z.strictObject({ v: z.literal(1), seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

/** Keyset cursor: the seq after (or before, in `desc` order) which the next page starts. */
export function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify(cursorPayload.parse({ v: 1, seq })), 'utf8').toString('base64url');
}

export function decodeSeqCursor(cursor: string): number {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = cursorPayload.safeParse(value);
  if (!parsed.success) {
    throw new AuditException(AuditExceptionCode.InvalidCursor, `Cursor "${cursor.slice(0, 40)}" was not issued by the audit service`);
  }
  return parsed.data.seq;
}
