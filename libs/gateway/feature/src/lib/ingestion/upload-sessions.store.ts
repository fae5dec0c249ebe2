import { createHash, Hash, randomUUID } from 'node:crypto';
import { ErrorKind, VigieException } from '@vigie/shared-contracts';
import { IngestionException, IngestionExceptionCode, Job, UploadSessionCreateRequest } from '@vigie/ingestion-contracts';
import { headers as natsHeaders, JetStreamClient, JetStreamManager, NatsConnection, NatsError, nuid } from 'nats';
import { windowedMessages } from '@vigie/shared-messaging';
import { IngestUploadStore } from './ingestion-upload.store';
import {
  checkAppend,
  checkComplete,
  expiry,
  ownedBy,
  partsChunkToken,
  partSubject,
  isSessionId,
  partsWildcard,
  reconcileParts,
  SessionJobParams,
  sessionsWildcard,
  sessionSubject,
  UploadSessionState,
  withPart,
} from './upload-session.util';

/** Who asks: from the verified token, never from a payload. */
export interface SessionCaller {
  tenant: string;
  subject: string;
}

interface Loaded {
  state: UploadSessionState;
  /** Stream sequence of the state message: the next write expects it. */
  seq: number;
  /** When the state message was written (ms since the epoch, the server's clock). */
  at: number;
}

/** Kinds of a job creation failure after which the upload is kept and `complete` may be retried. */
const TRANSIENT: readonly ErrorKind[] = [ErrorKind.Unavailable, ErrorKind.Timeout, ErrorKind.Internal, ErrorKind.RateLimited];

function apiErrorCode(error: unknown): number | undefined {
  return (error as NatsError | undefined)?.api_error?.err_code;
}

function isWrongLastSequence(error: unknown): boolean {
  return apiErrorCode(error) === 10071 || /wrong last sequence/i.test((error as Error | undefined)?.message ?? '');
}

function isNoMessage(error: unknown): boolean {
  return apiErrorCode(error) === 10037 || (error as NatsError | undefined)?.api_error?.code === 404 || /no message found/i.test((error as Error | undefined)?.message ?? '');
}

function concurrentChange(id: string, offset: number): IngestionException {
  return new IngestionException(
    IngestionExceptionCode.UploadOffsetMismatch,
    `Upload session ${id} was changed by another request meanwhile: the chunk was not kept; the session has ${offset} bytes, resume from offset ${offset}`,
    { expectedOffset: offset },
  );
}

/**
 * Resumable upload sessions, kept in NATS (the upload bucket's stream; see upload-session.util.ts
 * for the layout), so that any gateway replica — or the same one after a restart — carries on
 * where the last chunk stopped. The SHA-256 of the bytes received is kept in this process's memory
 * between chunks; a replica without it (restart, another replica) reads the parts back at
 * `complete` to compute it.
 */
export class UploadSessionStore {
  private readonly js: JetStreamClient;
  private jsmP?: Promise<JetStreamManager>;
  private readonly hashes = new Map<string, { offset: number; hash: Hash }>();

  constructor(
    nc: NatsConnection,
    private readonly uploads: IngestUploadStore,
    /** Inactivity after which an open session and its parts are deleted. */
    readonly ttlMs: number,
    /** How long a `completing` state holds before another `complete` takes it over (see `CompleteLease`). */
    private readonly completeLeaseMs = 60_000,
    private readonly timeoutMs = 10_000,
  ) {
    this.js = nc.jetstream();
  }

  get bucket(): string {
    return this.uploads.bucket;
  }

  private get stream(): string {
    return `OBJ_${this.bucket}`;
  }

  private jsm(): Promise<JetStreamManager> {
    if (!this.jsmP) {
      this.jsmP = this.js.jetstreamManager();
      this.jsmP.catch(() => (this.jsmP = undefined));
    }
    return this.jsmP;
  }

  private expiresAt(now = Date.now()): string {
    return new Date(now + this.ttlMs).toISOString();
  }

  /** The session's state, or null when there is none (an id that is not a UUID names none: it never reaches a subject). */
  async load(id: string): Promise<Loaded | null> {
    if (!isSessionId(id)) return null;
    await this.uploads.ready();
    const jsm = await this.jsm();
    try {
      const m = await jsm.streams.getMessage(this.stream, { last_by_subj: sessionSubject(this.bucket, id) });
      return { state: m.json<UploadSessionState>(), seq: m.seq, at: m.time.getTime() };
    } catch (error) {
      if (isNoMessage(error)) return null;
      throw error;
    }
  }

  /** Replaces the state if it is still the one read at `expectedSeq` (0: none yet); returns the new sequence. */
  private async save(state: UploadSessionState, expectedSeq: number): Promise<number> {
    const h = natsHeaders();
    h.set('Nats-Rollup', 'sub');
    const ack = await this.js.publish(sessionSubject(this.bucket, state.id), JSON.stringify(state), { headers: h, expect: { lastSubjectSequence: expectedSeq }, timeout: this.timeoutMs });
    return ack.seq;
  }

  /** Saves `state`; when another request changed the session first, the caller's chunk is refused with the current offset. */
  private async saveOrConflict(state: UploadSessionState, expectedSeq: number): Promise<number> {
    try {
      return await this.save(state, expectedSeq);
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
      const now = await this.load(state.id);
      throw concurrentChange(state.id, now?.state.offset ?? 0);
    }
  }

  private async forget(id: string): Promise<void> {
    this.hashes.delete(id);
    await this.uploads.purge(sessionSubject(this.bucket, id));
  }

  async create(caller: SessionCaller, req: UploadSessionCreateRequest, params: SessionJobParams): Promise<UploadSessionState> {
    const id = randomUUID();
    const now = Date.now();
    const state: UploadSessionState = {
      v: 1,
      id,
      tenant: caller.tenant,
      owner: caller.subject,
      fileName: req.fileName,
      size: req.size,
      sha256: req.sha256 ?? null,
      params,
      status: 'open',
      offset: 0,
      parts: [],
      createdAt: new Date(now).toISOString(),
      expiresAt: this.expiresAt(now),
      objectName: `${caller.tenant}/${id}`,
      jobId: null,
      digest: null,
    };
    await this.uploads.ready();
    await this.save(state, 0);
    this.hashes.set(id, { offset: 0, hash: createHash('sha256') });
    return state;
  }

  /** The caller's session (404 for anyone else). */
  async get(caller: SessionCaller, id: string): Promise<UploadSessionState> {
    return (await this.loadOwned(caller, id)).state;
  }

  /** The caller's session with its sequence (404 for anyone else). */
  private async loadOwned(caller: SessionCaller, id: string): Promise<Loaded> {
    const loaded = await this.load(id);
    return { state: ownedBy(loaded?.state ?? null, id, caller.tenant, caller.subject), seq: loaded?.seq ?? 0, at: loaded?.at ?? Date.now() };
  }

  /**
   * Stores one chunk of `length` bytes at `offset` as a new part, then commits it in the state. A
   * chunk cut short (client gone, gateway stopping) is purged and not counted: the offset stays at
   * the end of the last whole chunk.
   */
  async append(caller: SessionCaller, id: string, offset: number, length: number | undefined, source: AsyncIterable<Uint8Array | string>): Promise<UploadSessionState> {
    const loaded = await this.loadOwned(caller, id);
    const state = loaded.state;
    checkAppend(state, offset, length);
    const bytes = length ?? 0;
    if (bytes === 0) return state;
    const partId = nuid.next();
    const subject = partSubject(this.bucket, id, partId);
    const memo = this.hashes.get(id);
    const hash = memo && memo.offset === state.offset ? memo.hash.copy() : undefined;
    const tooLong = () =>
      new IngestionException(IngestionExceptionCode.UploadSizeExceeded, `The chunk is longer than its Content-Length of ${bytes} bytes: nothing of it was kept`, { expectedOffset: state.offset });
    const written = await this.uploads.writeChunks(subject, source, bytes, hash, tooLong);
    if (written.size !== bytes) {
      await this.uploads.purge(subject);
      throw new IngestionException(
        IngestionExceptionCode.UploadSizeExceeded,
        `The chunk ended after ${written.size} of the ${bytes} bytes announced: nothing of it was kept; resend from offset ${state.offset}`,
        { expectedOffset: state.offset },
      );
    }
    const next = withPart(state, { id: partId, bytes: written.size, chunks: written.chunks }, this.expiresAt());
    try {
      await this.saveOrConflict(next, loaded.seq);
    } catch (error) {
      await this.uploads.purge(subject);
      throw error;
    }
    if (hash) this.hashes.set(id, { offset: next.offset, hash });
    else this.hashes.delete(id);
    return next;
  }

  /**
   * Records the object and creates the job with `createJob` (the one-shot upload's path). A digest
   * other than the declared SHA-256 → the session and its parts are deleted, nothing is ingested.
   * A job refused (mapping, markings) → the object is removed and the session deleted, as a one-shot
   * upload's would be; a job creation that failed for a passing reason (ingestion unreachable) leaves
   * the session open with all its bytes, for another `complete`. A completed session answers a
   * repeated `complete` with its job (`createdJob` null: read it by id). A session left `completing`
   * for longer than the lease (its gateway died in `complete`) is taken over: `createJob` must be
   * idempotent per session (the gateway sends the session id as the job's `requestKey`), so the job
   * the dead gateway may already have created is the one answered.
   */
  async complete(caller: SessionCaller, id: string, createJob: (state: UploadSessionState) => Promise<Job>): Promise<{ state: UploadSessionState; job: Job | null }> {
    const loaded = await this.loadOwned(caller, id);
    const state: UploadSessionState = { ...loaded.state, status: 'open' };
    if (loaded.state.status === 'completed') return { state: loaded.state, job: null };
    checkComplete(loaded.state, { stateAgeMs: Date.now() - loaded.at, leaseMs: this.completeLeaseMs });
    let seq: number;
    try {
      seq = await this.save({ ...state, status: 'completing' }, loaded.seq);
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
      throw new IngestionException(IngestionExceptionCode.UploadSessionStateConflict, `Upload session ${id} is being completed by another request: retry shortly`, {
        status: 'completing',
        retryAfterMs: this.completeLeaseMs,
      });
    }
    const reopen = async () => {
      await this.save({ ...state, status: 'open', expiresAt: this.expiresAt() }, seq).catch(() => undefined);
    };
    const drop = async () => {
      this.hashes.delete(id);
      await this.uploads.purge(partsWildcard(this.bucket, id));
      await this.forget(id);
    };
    let digest: Buffer;
    try {
      digest = await this.digestOf(state);
    } catch (error) {
      await reopen();
      throw error instanceof VigieException ? error : new IngestionException(IngestionExceptionCode.DependencyUnavailable, `The upload could not be read back: ${(error as Error).message}`);
    }
    const hex = digest.toString('hex');
    if (state.sha256 && state.sha256 !== hex) {
      await drop();
      throw new IngestionException(
        IngestionExceptionCode.ChecksumMismatch,
        `The file received has SHA-256 ${hex}, not the ${state.sha256} declared: nothing was ingested and the session was deleted; upload the file again`,
        { expected: state.sha256, actual: hex },
      );
    }
    const chunks = state.parts.reduce((n, p) => n + p.chunks, 0);
    const metadata = { tenant: state.tenant, uploadedBy: state.owner, fileName: state.fileName.slice(0, 500), uploadSession: id };
    let job: Job;
    try {
      await this.uploads.publishInfo(state.objectName, partsChunkToken(id), state.size, chunks, digest, metadata);
      job = await createJob(state);
    } catch (error) {
      if (error instanceof VigieException && !TRANSIENT.includes(error.kind)) {
        await this.uploads.remove(state.objectName);
        await drop();
      } else {
        await reopen();
      }
      throw error;
    }
    const done: UploadSessionState = { ...state, status: 'completed', jobId: job.id, digest: hex, expiresAt: this.expiresAt() };
    seq = await this.save(done, seq).catch(() => seq);
    this.hashes.delete(id);
    return { state: done, job };
  }

  /** Cancels an open session: its parts and state are deleted. */
  async cancel(caller: SessionCaller, id: string): Promise<void> {
    const loaded = await this.loadOwned(caller, id);
    const state = loaded.state;
    if (state.status !== 'open') {
      throw new IngestionException(IngestionExceptionCode.UploadSessionStateConflict, `Upload session ${id} is ${state.status}: only an open session can be cancelled`, { status: state.status });
    }
    await this.saveOrConflict({ ...state, status: 'cancelled' }, loaded.seq);
    await this.uploads.purge(partsWildcard(this.bucket, id));
    await this.forget(id);
  }

  /**
   * Deletes the sessions past their expiry: an open one with its parts (marked expired first, so a
   * chunk committing meanwhile fails), a completed one's state only (its parts are the object).
   * Returns the ids removed. Safe to run on every replica at once.
   */
  async sweep(now = Date.now()): Promise<string[]> {
    await this.uploads.ready();
    const jsm = await this.jsm();
    const info = await jsm.streams.info(this.stream, { subjects_filter: sessionsWildcard(this.bucket) });
    const removed: string[] = [];
    const subjects = Object.keys(info.state.subjects ?? {});
    // Checksums kept for sessions that are gone (removed by another replica's sweep): forgotten.
    const live = new Set(subjects.map((s) => s.slice(s.lastIndexOf('.') + 1)));
    for (const id of [...this.hashes.keys()]) if (!live.has(id)) this.hashes.delete(id);
    for (const subject of subjects) {
      const id = subject.slice(subject.lastIndexOf('.') + 1);
      const loaded = await this.load(id).catch(() => null);
      if (!loaded) continue;
      const { expired, purgeParts } = expiry(loaded.state, now);
      if (!expired) continue;
      if (purgeParts) {
        try {
          await this.save({ ...loaded.state, status: 'expired' }, loaded.seq);
        } catch {
          continue; // changed meanwhile (a chunk arrived): not expired any more
        }
        await this.uploads.purge(partsWildcard(this.bucket, id));
      }
      await this.forget(id);
      removed.push(id);
    }
    return removed;
  }

  /** Message counts of the session's part subjects present in the stream. */
  async presentParts(id: string): Promise<Record<string, number>> {
    const jsm = await this.jsm();
    const info = await jsm.streams.info(this.stream, { subjects_filter: partsWildcard(this.bucket, id) });
    return info.state.subjects ?? {};
  }

  /**
   * The whole file's SHA-256: from memory when this process saw every chunk, else read back from
   * the parts. Parts of chunks cut short that were never purged (a gateway killed mid-chunk) are
   * purged first, so that only the committed parts remain under the object's chunk token.
   */
  private async digestOf(state: UploadSessionState): Promise<Buffer> {
    const { orphans, damaged } = reconcileParts(state, this.bucket, await this.presentParts(state.id));
    for (const subject of orphans) await this.uploads.purge(subject);
    if (damaged.length > 0) {
      throw new IngestionException(IngestionExceptionCode.DependencyUnavailable, `Upload session ${state.id}: ${damaged.length} stored chunk(s) differ from what was acknowledged; upload the file again`, {
        damaged: damaged.length,
      });
    }
    const memo = this.hashes.get(state.id);
    if (memo && memo.offset === state.size) return memo.hash.copy().digest();
    const hash = createHash('sha256');
    let size = 0;
    if (state.size > 0) {
      const chunks = state.parts.reduce((n, p) => n + p.chunks, 0);
      for await (const m of windowedMessages(this.js, this.stream, partsWildcard(this.bucket, state.id), { window: 8, expected: chunks })) {
        hash.update(m.data);
        size += m.data.length;
        if (size >= state.size) break;
      }
    }
    if (size !== state.size) throw new Error(`${size} of ${state.size} bytes found in the stored chunks`);
    return hash.digest();
  }
}
