import { IngestionException, IngestionExceptionCode, JobCreateRequest, UploadSessionStatus, UploadSessionView } from '@vigie/ingestion-contracts';
import { ClassificationLevel, classificationRank, Marking } from '@vigie/ontology-contracts';

/**
 * Pure logic of resumable uploads (no NATS here). A session's state is one JSON message on
 * `$O.<bucket>.C.sessions.<id>` of the upload bucket's stream (rolled up: the last one is the state,
 * replaced with an expected-last-sequence check, so two writers never both commit). Its bytes are
 * parts, one per accepted chunk request, each on `$O.<bucket>.C.parts.<id>.<partId>` in 128 KiB
 * messages. A part is committed (listed in the state) only once the whole chunk is stored; a chunk
 * cut short is purged and never counted. `complete` records the object with the chunk token
 * `parts.<id>.*`: readers filtering `$O.<bucket>.C.<token>` get the committed parts in stream order,
 * which is file order because a part is only started after the previous one is committed.
 */

/** Largest number of chunk requests one session accepts (the state lists them). */
export const MAX_SESSION_PARTS = 4096;

export type SessionJobParams = Omit<JobCreateRequest, 'objectName' | 'fileName' | 'source'> & { source?: string };

export interface SessionPart {
  /** Token of the part's subject. */
  id: string;
  bytes: number;
  chunks: number;
}

export interface UploadSessionState {
  v: 1;
  id: string;
  tenant: string;
  /** The creator's subject: the only caller who may see or change the session. */
  owner: string;
  fileName: string;
  size: number;
  sha256: string | null;
  params: SessionJobParams;
  status: UploadSessionStatus;
  offset: number;
  parts: SessionPart[];
  createdAt: string;
  expiresAt: string;
  objectName: string;
  jobId: string | null;
  /** The whole file's SHA-256 once `complete` computed it. */
  digest: string | null;
}

/** Session ids are UUIDs: anything else (a wildcard, a dot, a space) must never become part of a subject. */
export function isSessionId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

export const sessionSubject = (bucket: string, id: string) => `$O.${bucket}.C.sessions.${id}`;
export const sessionsWildcard = (bucket: string) => `$O.${bucket}.C.sessions.*`;
export const partSubject = (bucket: string, id: string, partId: string) => `$O.${bucket}.C.parts.${id}.${partId}`;
export const partsWildcard = (bucket: string, id: string) => `$O.${bucket}.C.parts.${id}.*`;
/** The object's chunk token (`nuid` of its info): a wildcard over the session's parts. */
export const partsChunkToken = (id: string) => `parts.${id}.*`;

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "24h", "30m", "90s", "2d", "500ms" → milliseconds. */
export function parseDuration(value: string): number {
  const m = /^\s*(\d+)\s*(ms|s|m|h|d)\s*$/i.exec(value);
  if (!m) throw new Error(`"${value}" is not a duration such as 24h, 30m, 90s or 500ms`);
  return Number(m[1]) * (DURATION_UNITS[(m[2] ?? 'ms').toLowerCase()] ?? 1);
}

export function sessionNotFound(id: string): IngestionException {
  return new IngestionException(
    IngestionExceptionCode.UploadSessionNotFound,
    `No upload session ${id} of yours: it expired, was cancelled or completed long ago, or another user created it`,
    { sessionId: id },
  );
}

/** The session only for its creator (same tenant, same subject); anyone else is told it does not exist. */
export function ownedBy(state: UploadSessionState | null, id: string, tenant: string, subject: string): UploadSessionState {
  if (!state || state.tenant !== tenant || state.owner !== subject || state.status === 'cancelled' || state.status === 'expired') throw sessionNotFound(id);
  return state;
}

/**
 * The offset a chunk request names: the `Upload-Offset` header (tus's name) or the `offset` query
 * parameter; required, a non-negative integer.
 */
export function requestedOffset(header: string | undefined, query: string | undefined): number {
  const raw = header ?? query;
  if (raw === undefined || raw === '') {
    throw new IngestionException(IngestionExceptionCode.UploadSizeExceeded, 'A chunk needs its offset: the Upload-Offset header (or ?offset=) with the number of bytes already received');
  }
  if (!/^\d+$/.test(raw.trim())) throw new IngestionException(IngestionExceptionCode.UploadSizeExceeded, `Upload-Offset "${raw}" is not a non-negative integer`);
  return Number(raw.trim());
}

/** Checks a chunk of `length` bytes at `offset` against the session; throws the refusal a client can act on. */
export function checkAppend(state: UploadSessionState, offset: number, length: number | undefined): void {
  if (state.status !== 'open') {
    throw new IngestionException(IngestionExceptionCode.UploadSessionStateConflict, `Upload session ${state.id} is ${state.status}: it takes no more bytes`, { status: state.status });
  }
  if (offset !== state.offset) {
    throw new IngestionException(
      IngestionExceptionCode.UploadOffsetMismatch,
      `The chunk starts at offset ${offset} but the session has received ${state.offset} bytes: send the bytes from offset ${state.offset}`,
      { expectedOffset: state.offset, offset },
    );
  }
  if (length === undefined || !Number.isSafeInteger(length) || length < 0) {
    throw new IngestionException(IngestionExceptionCode.UploadSizeExceeded, 'A chunk needs a Content-Length header (chunked bodies are refused: a cut chunk could not be told from a short one)');
  }
  if (offset + length > state.size) {
    throw new IngestionException(
      IngestionExceptionCode.UploadSizeExceeded,
      `The chunk of ${length} bytes at offset ${offset} goes past the declared size of ${state.size} bytes (at most ${state.size - offset} bytes are left)`,
      { size: state.size, offset, length, remaining: state.size - offset },
    );
  }
  if (state.parts.length >= MAX_SESSION_PARTS) {
    throw new IngestionException(IngestionExceptionCode.UploadSizeExceeded, `Upload session ${state.id} already has ${MAX_SESSION_PARTS} chunks: send the rest in larger chunks`, {
      maxParts: MAX_SESSION_PARTS,
    });
  }
}

/** The state after a part was stored whole. */
export function withPart(state: UploadSessionState, part: SessionPart, expiresAt: string): UploadSessionState {
  return { ...state, offset: state.offset + part.bytes, parts: [...state.parts, part], expiresAt };
}

/**
 * How long a `completing` state holds: past it, another `complete` takes the session over (the
 * gateway that ran the first one died in it). The job's creation is keyed by the session, so a
 * takeover — even of a `complete` that is only slow — never starts a second job.
 */
export interface CompleteLease {
  /** Milliseconds since the state was written. */
  stateAgeMs: number;
  leaseMs: number;
}

/**
 * Checks that `complete` may run: open and every declared byte received, or `completing` for longer
 * than the lease. A `completing` session within its lease → 409 with `details.retryAfterMs`.
 */
export function checkComplete(state: UploadSessionState, lease?: CompleteLease): void {
  if (state.status === 'completing' && lease) {
    if (lease.stateAgeMs >= lease.leaseMs) return;
    const retryAfterMs = lease.leaseMs - Math.max(0, lease.stateAgeMs);
    throw new IngestionException(
      IngestionExceptionCode.UploadSessionStateConflict,
      `Upload session ${state.id} is being completed by another request: retry in ${Math.ceil(retryAfterMs / 1000)} s (it is taken over then if that request died)`,
      { status: state.status, retryAfterMs },
    );
  }
  if (state.status !== 'open') {
    throw new IngestionException(IngestionExceptionCode.UploadSessionStateConflict, `Upload session ${state.id} is ${state.status}: it cannot be completed`, { status: state.status });
  }
  if (state.offset !== state.size) {
    throw new IngestionException(
      IngestionExceptionCode.UploadSessionStateConflict,
      `Upload session ${state.id} has ${state.offset} of ${state.size} bytes: send the rest from offset ${state.offset} before completing`,
      { expectedOffset: state.offset, size: state.size },
    );
  }
}

/**
 * Part subjects present in the stream (with their message counts) that the state does not list:
 * chunks cut short whose purge did not happen (a gateway killed mid-chunk). Also reports a committed
 * part whose message count differs from the state (the stream lost or gained messages).
 */
export function reconcileParts(state: UploadSessionState, bucket: string, present: Record<string, number>): { orphans: string[]; damaged: string[] } {
  const committed = new Map(state.parts.map((p) => [partSubject(bucket, state.id, p.id), p]));
  const orphans = Object.keys(present).filter((s) => !committed.has(s));
  const damaged = [...committed].filter(([s, p]) => p.chunks > 0 && present[s] !== p.chunks).map(([s]) => s);
  return { orphans, damaged };
}

/**
 * Whether the sweeper removes the session now; `purgeParts`: its bytes go too — only for a session
 * still open (once completing or completed, the parts are, or may already be, the object's bytes).
 */
export function expiry(state: UploadSessionState, now: number): { expired: boolean; purgeParts: boolean } {
  const expired = Date.parse(state.expiresAt) <= now;
  return { expired, purgeParts: expired && state.status === 'open' };
}

export function sessionView(state: UploadSessionState): UploadSessionView {
  return {
    id: state.id,
    fileName: state.fileName,
    size: state.size,
    offset: state.offset,
    status: state.status,
    parts: state.parts.length,
    sha256: state.sha256,
    createdAt: state.createdAt,
    expiresAt: state.expiresAt,
    jobId: state.jobId,
  };
}

/**
 * Markings a session asks for that the creator's clearance does not cover: refused at creation
 * (403, naming the level or compartment) rather than after the whole file was sent. The ingestion
 * service checks again when `complete` creates the job.
 */
export function markingsBeyondClearance(marking: Marking, clearance: { level: ClassificationLevel; compartments: readonly string[] }): IngestionException | null {
  const problems: string[] = [];
  if (classificationRank(marking.level) > classificationRank(clearance.level)) problems.push(`level ${marking.level} is above the clearance ${clearance.level}`);
  const missing = marking.compartments.filter((c) => !clearance.compartments.includes(c));
  if (missing.length > 0) problems.push(`compartment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not held`);
  if (problems.length === 0) return null;
  return new IngestionException(IngestionExceptionCode.MarkingsAboveClearance, `The job's markings exceed your clearance: ${problems.join('; ')}. Nothing was stored.`, { markings: marking });
}
