import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { AuditException, AuditExceptionCode, checkpointSchema, TENANT_PATTERN, tenantSchema } from '@vigie/audit-contracts';
import { describeIssues } from '@vigie/shared-contracts';
import { canonicalize, isJsonObject } from './canonical-json.util';
import { ChainRecord } from './chain-hash.util';
import { loadVerificationKey, PublicKeyInput } from './chain-keys.util';
import { Checkpoint } from './checkpoint.util';
import { ChainVerifier, VerifyReport } from './chain-verifier.util';

export const EXPORT_FORMAT = 'vigie.audit.export';
export const EXPORT_VERSION = 1;
/** Longest line read from an export (an event is at most ~1 MiB on NATS). */
export const MAX_EXPORT_LINE_BYTES = 16 * 1024 * 1024;

export const exportHeaderSchema = z.strictObject({
  type: z.literal('header'),
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  tenant: tenantSchema,
  /** The records exported are fromSeq..toSeq (toSeq = fromSeq - 1 for an empty export). */
  fromSeq: z.number().int().min(1),
  toSeq: z.number().int().min(0),
  exportedAt: z.iso.datetime(),
  /** Keys the service says it signed with: information only — the verifier trusts only keys it is given. */
  publicKeys: z.array(z.strictObject({ keyId: z.string(), publicKeyPem: z.string() })),
  /** Free text, e.g. "archive" for a retention segment. */
  purpose: z.string().max(200).optional(),
});
export type ExportHeader = z.infer<typeof exportHeaderSchema>;

const checkpointLineSchema = checkpointSchema.extend({ type: z.literal('checkpoint') });

export interface ExportSource {
  readonly tenant: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  /** The records fromSeq..toSeq in seq order (a cursor is fine). Written as they are, so tampering stays visible. */
  readonly records: Iterable<ChainRecord> | AsyncIterable<ChainRecord>;
  /** Checkpoints within the range, plus the one at fromSeq - 1 that anchors a range not starting at 1. */
  readonly checkpoints: readonly Checkpoint[];
  /** The service's public keys (informational in the file). */
  readonly publicKeys: readonly PublicKeyInput[];
  readonly exportedAt?: string | Date;
  readonly purpose?: string;
}

/**
 * The NDJSON export, line by line (each ends with "\n"): a header, every checkpoint in seq order,
 * then the records. Each line is canonical JSON. `Readable.from(exportLines(source))` streams it.
 */
export async function* exportLines(source: ExportSource): AsyncGenerator<string> {
  if (!Number.isSafeInteger(source.fromSeq) || source.fromSeq < 1 || !Number.isSafeInteger(source.toSeq) || source.toSeq < source.fromSeq - 1) {
    throw new AuditException(AuditExceptionCode.InvalidRange, `Export range ${source.fromSeq}..${source.toSeq} is not a range of seqs`);
  }
  const header: ExportHeader = {
    type: 'header',
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    tenant: source.tenant,
    fromSeq: source.fromSeq,
    toSeq: source.toSeq,
    exportedAt: new Date(source.exportedAt ?? Date.now()).toISOString(),
    publicKeys: source.publicKeys.map((k) => {
      const key = loadVerificationKey(k);
      return { keyId: key.keyId, publicKeyPem: key.publicKeyPem };
    }),
    ...(source.purpose === undefined ? {} : { purpose: source.purpose }),
  };
  yield `${canonicalize(header)}\n`;
  for (const checkpoint of [...source.checkpoints].sort((a, b) => a.seq - b.seq)) {
    yield `${canonicalize({ type: 'checkpoint', ...checkpoint })}\n`;
  }
  for await (const record of source.records) {
    yield `${canonicalize({ type: 'record', ...record })}\n`;
  }
}

/** Whole export as one string (tests, small ranges). */
export async function exportToString(source: ExportSource): Promise<string> {
  let text = '';
  for await (const line of exportLines(source)) text += line;
  return text;
}

export type ExportInput = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Splits a byte/string stream into lines (UTF-8, "\n" or "\r\n"), numbering them from 1. */
export async function* readLines(input: ExportInput): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let line = 0;
  for await (const chunk of input) {
    buffer += typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      line += 1;
      yield { line, text: buffer.slice(0, newline).replace(/\r$/, '') };
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
    if (buffer.length > MAX_EXPORT_LINE_BYTES) {
      throw new AuditException(AuditExceptionCode.InvalidExport, `Line ${line + 1} of the export is longer than ${MAX_EXPORT_LINE_BYTES} bytes`);
    }
  }
  buffer += decoder.end();
  if (buffer.length > 0) yield { line: line + 1, text: buffer.replace(/\r$/, '') };
}

export interface ExportVerifyReport extends VerifyReport {
  /** The export's header, or null when the file has none. */
  readonly header: ExportHeader | null;
  /** Lines read (reading stops at the first problem in the records). */
  readonly lines: number;
  /** Key ids listed in the header that are not among the trusted keys. */
  readonly untrustedHeaderKeys: string[];
}

const RECORD_FIELDS = new Set(['type', 'tenant', 'seq', 'eventId', 'recordedAt', 'event', 'prevHash', 'hash']);
const HEX64 = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Checks a parsed record line (same rules as `chainRecordSchema`, written out because records
 * are most of an export and the event, coming from JSON.parse, is JSON by construction).
 * Returns the record, or what is wrong with it.
 */
export function parseRecordLine(value: Record<string, unknown>): ChainRecord | string {
  const problems: string[] = [];
  const { tenant, seq, eventId, recordedAt, event, prevHash, hash } = value;
  if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) problems.push('tenant: must be a tenant name');
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) problems.push('seq: must be a positive integer');
  if (typeof eventId !== 'string' || eventId.length === 0 || eventId.length > 255) problems.push('eventId: must be a non-empty string');
  if (typeof recordedAt !== 'string' || !ISO_UTC.test(recordedAt)) problems.push('recordedAt: must be an ISO 8601 UTC time');
  if (!isJsonObject(event)) problems.push('event: must be a JSON object');
  if (typeof prevHash !== 'string' || !HEX64.test(prevHash)) problems.push('prevHash: must be 64 lowercase hex digits');
  if (typeof hash !== 'string' || !HEX64.test(hash)) problems.push('hash: must be 64 lowercase hex digits');
  for (const key of Object.keys(value)) if (!RECORD_FIELDS.has(key)) problems.push(`${key}: unknown field`);
  if (problems.length > 0) return problems.join('; ');
  return { tenant, seq, eventId, recordedAt, event, prevHash, hash } as ChainRecord;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return new Error((error as Error).message);
  }
}

function emptyReport(message: string, line: number, header: ExportHeader | null = null): ExportVerifyReport {
  return {
    ok: false,
    tenant: header?.tenant ?? null,
    start: null,
    anchorSeq: null,
    firstSeq: null,
    lastSeq: null,
    recordsChecked: 0,
    coveredUpTo: null,
    unsignedTail: 0,
    firstProblem: { kind: 'malformed', seq: null, line, message },
    checkpoints: [],
    header,
    lines: line,
    untrustedHeaderKeys: [],
  };
}

/**
 * Verifies an NDJSON export offline against trusted public keys (never the keys in the file):
 * the range's start (genesis, or a signed checkpoint at fromSeq - 1), every record's hash and
 * link, every checkpoint's signature and hash, and that the records reach the header's toSeq.
 */
export async function verifyExport(
  input: ExportInput,
  keys: PublicKeyInput | readonly PublicKeyInput[],
  options: { lookahead?: number } = {},
): Promise<ExportVerifyReport> {
  const lines = readLines(input);
  let header: ExportHeader | null = null;
  let lineNo = 0;
  const checkpoints: Checkpoint[] = [];
  let verifier: ChainVerifier | null = null;
  const trusted = (Array.isArray(keys) ? keys : [keys as PublicKeyInput]).map(loadVerificationKey);

  const makeVerifier = (h: ExportHeader): ChainVerifier =>
    new ChainVerifier(checkpoints, trusted, {
      tenant: h.tenant,
      fromSeq: h.fromSeq,
      ...(h.toSeq >= h.fromSeq ? { toSeq: h.toSeq } : {}),
      ...(options.lookahead === undefined ? {} : { lookahead: options.lookahead }),
    });

  for await (const { line, text } of lines) {
    lineNo = line;
    if (text.trim() === '') continue;
    const value = parseJson(text);
    if (!header) {
      const parsed = exportHeaderSchema.safeParse(value);
      if (!parsed.success) {
        const why = value instanceof Error ? `not JSON (${value.message})` : describeIssues(parsed.error).message;
        return emptyReport(`Line ${line} is not a Vigie audit export header (${EXPORT_FORMAT} v${EXPORT_VERSION}): ${why}`, line);
      }
      header = parsed.data;
      if (header.toSeq < header.fromSeq - 1) return emptyReport(`Header range ${header.fromSeq}..${header.toSeq} is reversed`, line, header);
      continue;
    }
    const type = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
    if (type === 'checkpoint' && !verifier) {
      const parsed = checkpointLineSchema.safeParse(value);
      if (!parsed.success) {
        verifier = makeVerifier(header);
        verifier.pushMalformed(`Line ${line} is not a valid checkpoint: ${describeIssues(parsed.error).message}`, line);
        break;
      }
      const { type: _type, ...checkpoint } = parsed.data;
      checkpoints.push(checkpoint);
      continue;
    }
    verifier ??= makeVerifier(header);
    if (type === 'record') {
      const parsed = parseRecordLine(value as Record<string, unknown>);
      if (typeof parsed === 'string') verifier.pushMalformed(`Line ${line} is not a valid record: ${parsed}`, line);
      else verifier.push(parsed, line);
    } else if (type === 'checkpoint') {
      verifier.pushMalformed(`Line ${line}: checkpoint lines must come before the records`, line);
    } else {
      verifier.pushMalformed(
        value instanceof Error ? `Line ${line} is not JSON: ${value.message}` : `Line ${line} is neither a record nor a checkpoint`,
        line,
      );
    }
    if (verifier.decided) break;
  }
  if (!header) return emptyReport('The file is empty: no Vigie audit export header', Math.max(lineNo, 1));
  verifier ??= makeVerifier(header);
  const report = verifier.finish();
  const trustedIds = new Set(trusted.map((k) => k.keyId));
  return {
    ...report,
    header,
    lines: lineNo,
    untrustedHeaderKeys: header.publicKeys.map((k) => k.keyId).filter((id) => !trustedIds.has(id)),
  };
}
