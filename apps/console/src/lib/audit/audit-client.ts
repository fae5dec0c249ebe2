import { ApiClient } from '../api-client';

/** Shapes of `/api/v1/audit/*` (from `/api/docs/openapi.json`). */
export type AuditOutcome = 'success' | 'denied' | 'failure' | 'error';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'failure', 'error'];

export interface AuditEventView {
  id: string;
  time: string;
  tenant: string;
  actor: { sub: string; username?: string; roles: string[]; kind: 'user' | 'service' | 'anonymous' };
  action: string;
  resources: { type: string; id: string }[];
  purpose: { caseRef: string; justification: string } | null;
  outcome: AuditOutcome;
  traceId: string;
  service: string;
  details: Record<string, unknown>;
}

export interface AuditRecord {
  tenant: string;
  seq: number;
  eventId: string;
  recordedAt: string;
  event: AuditEventView;
  prevHash: string;
  hash: string;
}

export interface AuditRecordsPage {
  records: AuditRecord[];
  nextCursor: string | null;
}

export type ChainProblemKind = 'altered' | 'removed' | 'inserted' | 'reordered' | 'truncated' | 'duplicate' | 'bad-signature' | 'unknown-key' | 'unanchored' | 'malformed';

export interface ChainProblem {
  kind: ChainProblemKind;
  seq: number | null;
  eventId?: string;
  range?: { fromSeq: number; toSeq: number };
  message: string;
}

export interface CheckpointResult {
  seq: number;
  kind: 'periodic' | 'anchor';
  keyId: string;
  time: string;
  keyKnown: boolean;
  signatureValid: boolean;
  matchesChain: boolean | null;
}

export interface VerifyReport {
  ok: boolean;
  tenant: string | null;
  start: 'genesis' | 'anchor' | 'unanchored' | null;
  anchorSeq: number | null;
  firstSeq: number | null;
  lastSeq: number | null;
  recordsChecked: number;
  coveredUpTo: number | null;
  unsignedTail: number;
  firstProblem?: ChainProblem;
  checkpoints: CheckpointResult[];
}

/** What the auditor typed in the query form (strings as the inputs hold them; empty = no filter). */
export interface AuditQueryForm {
  actor: string;
  resourceId: string;
  resourceType: string;
  action: string;
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
  purposeCaseRef: string;
  withPurpose: '' | 'true' | 'false';
  outcome: '' | AuditOutcome;
}

export const EMPTY_AUDIT_QUERY: AuditQueryForm = { actor: '', resourceId: '', resourceType: '', action: '', from: '', to: '', purposeCaseRef: '', withPurpose: '', outcome: '' };

/** A form problem: the field and a message key of the console's dictionary. */
export interface FormProblem {
  field: string;
  key: 'audit.error.date' | 'audit.error.order' | 'audit.error.action' | 'audit.error.resourceType' | 'audit.error.seq' | 'audit.error.seqOrder';
}

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(\.\*)?$/;

function isoOf(local: string): string | null {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The query string of `GET /api/v1/audit/records` for a form, or the problems that stop it. */
export function auditQueryParams(form: AuditQueryForm, cursor?: string, limit = 50): { params: URLSearchParams; problems: [] } | { params: null; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const params = new URLSearchParams();
  const text = (name: keyof AuditQueryForm) => form[name].trim();
  for (const name of ['actor', 'resourceId', 'purposeCaseRef'] as const) if (text(name)) params.set(name, text(name));
  if (text('resourceType')) {
    if (!text('resourceId')) problems.push({ field: 'resourceType', key: 'audit.error.resourceType' });
    else params.set('resourceType', text('resourceType'));
  }
  if (text('action')) {
    if (!ACTION.test(text('action'))) problems.push({ field: 'action', key: 'audit.error.action' });
    else params.set('action', text('action'));
  }
  const from = text('from') ? isoOf(text('from')) : undefined;
  const to = text('to') ? isoOf(text('to')) : undefined;
  if (from === null) problems.push({ field: 'from', key: 'audit.error.date' });
  if (to === null) problems.push({ field: 'to', key: 'audit.error.date' });
  if (from && to && Date.parse(from) >= Date.parse(to)) problems.push({ field: 'from', key: 'audit.error.order' });
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  if (form.withPurpose) params.set('withPurpose', form.withPurpose);
  if (form.outcome) params.set('outcome', form.outcome);
  if (problems.length > 0) return { params: null, problems };
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return { params, problems: [] };
}

/** A seq range typed by the auditor ("" = open end), checked: positive whole numbers, from ≤ to. */
export function seqRange(fromText: string, toText: string): { range: { fromSeq?: number; toSeq?: number }; problems: [] } | { range: null; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const parse = (text: string, field: string): number | undefined => {
    if (text.trim() === '') return undefined;
    if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
      problems.push({ field, key: 'audit.error.seq' });
      return undefined;
    }
    return Number(text);
  };
  const fromSeq = parse(fromText, 'fromSeq');
  const toSeq = parse(toText, 'toSeq');
  if (fromSeq !== undefined && toSeq !== undefined && fromSeq > toSeq) problems.push({ field: 'fromSeq', key: 'audit.error.seqOrder' });
  if (problems.length > 0) return { range: null, problems };
  return { range: { ...(fromSeq !== undefined ? { fromSeq } : {}), ...(toSeq !== undefined ? { toSeq } : {}) }, problems: [] };
}

function rangeQuery(range: { fromSeq?: number; toSeq?: number }): string {
  const params = new URLSearchParams();
  if (range.fromSeq !== undefined) params.set('fromSeq', String(range.fromSeq));
  if (range.toSeq !== undefined) params.set('toSeq', String(range.toSeq));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** The audit routes of the gateway (auditors only; always the caller's own tenant). */
export class AuditClient {
  constructor(private readonly api: ApiClient) {}

  records(params: URLSearchParams, signal?: AbortSignal): Promise<AuditRecordsPage> {
    return this.api.json<AuditRecordsPage>('GET', `/api/v1/audit/records?${params}`, undefined, signal);
  }

  /**
   * The records of a seq range in chain order (to show a verification record by record). The
   * records query has no seq filter, so the page starts at the audit contract's keyset cursor for
   * `fromSeq - 1` (`encodeSeqCursor`: base64url of `{"v":1,"seq":n}`) and is cut at `toSeq`.
   */
  /**
   * Up to `limit` records of a seq range, in order. The service may answer a page with fewer
   * records than asked (pages also stop by size): the cursor is followed until `limit` is reached.
   */
  async range(range: { fromSeq?: number; toSeq?: number }, limit: number, signal?: AbortSignal): Promise<AuditRecordsPage> {
    const records: AuditRecordsPage['records'] = [];
    let cursor = range.fromSeq !== undefined && range.fromSeq > 1 ? seqCursor(range.fromSeq - 1) : null;
    let nextCursor: string | null = null;
    do {
      const params = new URLSearchParams({ order: 'asc', limit: String(limit - records.length) });
      if (cursor) params.set('cursor', cursor);
      const page = await this.api.json<AuditRecordsPage>('GET', `/api/v1/audit/records?${params}`, undefined, signal);
      const inRange = range.toSeq === undefined ? page.records : page.records.filter((r) => r.seq <= (range.toSeq as number));
      records.push(...inRange);
      nextCursor = inRange.length < page.records.length ? null : page.nextCursor;
      cursor = nextCursor;
    } while (cursor && records.length < limit);
    return { records, nextCursor };
  }

  verify(range: { fromSeq?: number; toSeq?: number }, signal?: AbortSignal): Promise<VerifyReport> {
    return this.api.json<VerifyReport>('GET', `/api/v1/audit/verify${rangeQuery(range)}`, undefined, signal);
  }

  /** The NDJSON export of a range (needs a stated purpose: 428 otherwise), with its file name. */
  async export(range: { fromSeq?: number; toSeq?: number }, signal?: AbortSignal): Promise<{ blob: Blob; fileName: string }> {
    const res = await this.api.raw('GET', `/api/v1/audit/export${rangeQuery(range)}`, { headers: { accept: 'application/x-ndjson' }, signal });
    const disposition = res.headers.get('content-disposition') ?? '';
    const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'audit-export.ndjson';
    return { blob: await res.blob(), fileName };
  }
}

/** The audit service's keyset cursor for "after seq n" (see `encodeSeqCursor` in the audit contracts). */
export function seqCursor(seq: number): string {
  const json = JSON.stringify({ v: 1, seq });
  const base64 = btoa(json);
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export type RecordVerdict =
  | { status: 'verified'; signed: boolean }
  | { status: 'problem'; problem: ChainProblem }
  | { status: 'unchecked' };

/** One row of a verification shown record by record: a record of the range, or a missing one the report names. */
export interface VerifyRow {
  seq: number;
  record: AuditRecord | null;
  verdict: RecordVerdict;
}

/**
 * What the verification says about each record on screen: verified (and vouched for by a signed
 * checkpoint up to `coveredUpTo`), the first problem (altered, removed, inserted, reordered…, at
 * its seq or in its range), or not checked (after the first problem, or outside what was checked).
 * A problem at a seq with no record on screen (a removed record) gets a row of its own.
 */
export function verifyRows(records: AuditRecord[], report: VerifyReport): VerifyRow[] {
  const problem = report.firstProblem;
  const problemFrom = problem?.range?.fromSeq ?? problem?.seq ?? null;
  const problemTo = problem?.range?.toSeq ?? problem?.seq ?? null;
  const inProblem = (seq: number) => problemFrom !== null && problemTo !== null && seq >= problemFrom && seq <= problemTo;
  const rows: VerifyRow[] = records.map((record) => {
    const seq = record.seq;
    if (problem && inProblem(seq)) return { seq, record, verdict: { status: 'problem', problem } };
    const checked = report.firstSeq !== null && report.lastSeq !== null && seq >= report.firstSeq && seq <= report.lastSeq && (problemFrom === null || seq < problemFrom);
    if (!checked) return { seq, record, verdict: { status: 'unchecked' } };
    return { seq, record, verdict: { status: 'verified', signed: report.coveredUpTo !== null && seq <= report.coveredUpTo } };
  });
  if (problem && problem.seq !== null && !records.some((r) => inProblem(r.seq))) {
    const first = records[0]?.seq;
    const last = records[records.length - 1]?.seq;
    if (first === undefined || last === undefined || (problem.seq >= first - 1 && problem.seq <= last + 1)) {
      rows.push({ seq: problem.seq, record: null, verdict: { status: 'problem', problem } });
      rows.sort((a, b) => a.seq - b.seq);
    }
  }
  return rows;
}
