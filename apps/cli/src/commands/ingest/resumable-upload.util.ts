import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { Job, UploadSessionView } from '@vigie/ingestion-contracts';
import { progressBar } from './ingest-upload.util';

/** Files at least this large go through a resumable upload session by default (`--resumable-above`). */
export const DEFAULT_RESUMABLE_ABOVE = 64 * 1024 * 1024;
/** Bytes per chunk request by default (`--chunk-size`). */
export const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;
/** Consecutive failures tolerated before giving up (`--retries`). */
export const DEFAULT_RETRIES = 8;

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: { expectedOffset?: number | null; status?: string; retryAfterMs?: number; errors?: { path: string; line: number; message: string }[] } };
}

/** A refusal by the gateway (4xx other than an offset to catch up with): not retried. */
export class UploadRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(`HTTP ${status} ${body.error?.code ?? ''}: ${body.error?.message ?? 'request refused'}`);
  }
}

/** Milliseconds to wait before retry `attempt` (1-based): 0.5 s doubling, at most `maxMs`. */
export function backoffMs(attempt: number, maxMs = 8000): number {
  return Math.min(maxMs, 500 * 2 ** Math.max(0, attempt - 1));
}

/** `1.5 GiB`-style size for progress lines. */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** `[####------]  40%  400.0 MiB of 1.0 GiB` */
export function uploadProgressLine(offset: number, size: number): string {
  return `${progressBar(size > 0 ? offset / size : 1)}  ${humanBytes(offset)} of ${humanBytes(size)}`;
}

/** The byte ranges `[start, end)` still to send from `offset`, `chunkSize` at a time. */
export function nextRange(offset: number, size: number, chunkSize: number): { start: number; end: number } | null {
  if (offset >= size) return null;
  return { start: offset, end: Math.min(size, offset + chunkSize) };
}

/** Longest wait the server may ask for between two tries (`details.retryAfterMs`). */
export const MAX_RETRY_AFTER_MS = 120_000;

/**
 * The wait the server asked for (`details.retryAfterMs`: a session another `complete` holds, until
 * its lease runs out), at most `MAX_RETRY_AFTER_MS`; 0 when it asked for none.
 */
export function retryAfterHint(body: ApiErrorBody | undefined): number {
  const ms: unknown = body?.error?.details?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : 0;
}

/** Whether a failed request is worth retrying: the network, a gateway restarting or overloaded. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

export interface ResumableUploadOptions {
  gateway: string;
  token: string;
  file: string;
  size: number;
  /** The job's parameters (fileName, format, source, mapping | mappingId, markings as an object…). */
  session: Record<string, unknown>;
  chunkSize: number;
  retries: number;
  progress: (text: string) => void;
  /** Opens bytes `[start, end)` of the file (tests may replace it). */
  open?: (start: number, end: number) => Readable;
  /** Waits between retries (tests may replace it). */
  sleep?: (ms: number) => Promise<void>;
  /** SHA-256 of the whole file; computed from the file when absent. */
  sha256?: string;
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface HttpAnswer<T> {
  status: number;
  body: T & ApiErrorBody;
}

/** One HTTP request with node:http (a streamed body with its Content-Length; fetch would not let us set it). */
function call<T>(url: string, method: string, token: string, body?: { data: Readable | string; length: number; type: string }, idleMs = 60_000): Promise<HttpAnswer<T>> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body) {
      headers['content-type'] = body.type;
      headers['content-length'] = String(body.length);
    }
    const req = send(u, { method, headers }, (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let parsed: unknown = {};
        try {
          parsed = text ? JSON.parse(text) : {};
        } catch {
          parsed = { error: { message: text.slice(0, 200) } };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed as T & ApiErrorBody });
      });
      res.on('error', reject);
    });
    req.setTimeout(idleMs, () => req.destroy(new Error(`no answer for ${idleMs / 1000}s`)));
    req.on('error', reject);
    if (!body) req.end();
    else if (typeof body.data === 'string') req.end(body.data);
    else {
      body.data.on('error', (e) => req.destroy(e));
      body.data.pipe(req);
    }
  });
}

/**
 * Uploads a file through a resumable session: creates it (with the file's SHA-256, so the gateway
 * refuses a file that arrives different), sends `chunkSize` bytes at a time at the server's offset,
 * and when the connection drops or the gateway restarts asks the server for its offset and carries
 * on from there — at most `retries` failures in a row, waiting longer each time. Then completes the
 * session: the job, as a one-shot upload would have created it.
 */
export async function resumableUpload(o: ResumableUploadOptions): Promise<Job> {
  const base = `${o.gateway}/api/v1/ingest/uploads`;
  const open = o.open ?? ((start: number, end: number) => createReadStream(o.file, { start, end: end - 1 }));
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let failures = 0;
  /** Runs `fn` until it succeeds; network errors and transient statuses are retried with backoff. */
  const retrying = async <T>(
    what: string,
    fn: () => Promise<HttpAnswer<T>>,
    accept: (a: HttpAnswer<T>) => boolean,
    transient: (a: HttpAnswer<T>) => boolean = (a) => isTransientStatus(a.status),
  ): Promise<HttpAnswer<T>> => {
    for (;;) {
      let reason: string;
      let hintMs = 0;
      try {
        const answer = await fn();
        if (accept(answer)) return answer;
        if (!transient(answer)) throw new UploadRefusedError(answer.status, answer.body);
        reason = `HTTP ${answer.status}${answer.body.error?.code ? ` ${answer.body.error.code}` : ''}`;
        hintMs = retryAfterHint(answer.body);
      } catch (error) {
        if (error instanceof UploadRefusedError) throw error;
        reason = (error as Error).message;
      }
      failures++;
      if (failures > o.retries) throw new Error(`${what} failed ${failures} times in a row (last: ${reason}); giving up`);
      const wait = Math.max(backoffMs(failures), hintMs);
      o.progress(`\n${what} failed (${reason}); retry ${failures}/${o.retries} in ${(wait / 1000).toFixed(1)}s…\n`);
      await sleep(wait);
    }
  };

  const sha256 = o.sha256 ?? (await sha256Of(open(0, Math.max(o.size, 1)).on('error', () => undefined)));
  const createBody = JSON.stringify({ ...o.session, size: o.size, sha256 });
  const created = await retrying<UploadSessionView>(
    'creating the upload session',
    () => call(base, 'POST', o.token, { data: createBody, length: Buffer.byteLength(createBody), type: 'application/json' }),
    (a) => a.status === 201,
  );
  const id = created.body.id;
  o.progress(`Upload session ${id} (resumable: chunks of ${humanBytes(o.chunkSize)})\n`);
  let offset = created.body.offset;
  let resumed = false;
  for (let range = nextRange(offset, o.size, o.chunkSize); range; range = nextRange(offset, o.size, o.chunkSize)) {
    o.progress(`\r${uploadProgressLine(offset, o.size)}${resumed ? `  (resumed at ${humanBytes(offset)})` : ''}   `);
    const { start, end } = range;
    let answer: HttpAnswer<UploadSessionView>;
    try {
      answer = await call<UploadSessionView>(`${base}/${id}?offset=${start}`, 'PATCH', o.token, { data: open(start, end), length: end - start, type: 'application/offset+octet-stream' });
    } catch (error) {
      answer = { status: 0, body: { error: { message: (error as Error).message } } as UploadSessionView & ApiErrorBody };
    }
    if (answer.status === 200) {
      offset = answer.body.offset;
      failures = 0;
      continue;
    }
    if (answer.status !== 0 && answer.status !== 409 && !isTransientStatus(answer.status)) throw new UploadRefusedError(answer.status, answer.body);
    // Connection lost, gateway restarting, or another offset: ask the server where it is.
    failures++;
    const reason = answer.status === 0 ? (answer.body.error?.message ?? 'connection lost') : `HTTP ${answer.status} ${answer.body.error?.code ?? ''}`.trim();
    if (failures > o.retries) throw new Error(`the upload failed ${failures} times in a row at byte ${offset} (last: ${reason}); giving up — the session ${id} stays open until it expires`);
    const wait = backoffMs(failures);
    o.progress(`\nchunk at byte ${start} failed (${reason}); retry ${failures}/${o.retries} in ${(wait / 1000).toFixed(1)}s…\n`);
    await sleep(wait);
    const state = await retrying<UploadSessionView>('asking the session offset', () => call(`${base}/${id}`, 'GET', o.token), (a) => a.status === 200);
    offset = state.body.offset;
    resumed = true;
    o.progress(`resuming from byte ${offset} of ${o.size} (the server's offset)\n`);
  }
  o.progress(`\r${uploadProgressLine(o.size, o.size)}   \n`);
  const done = await retrying<Job>(
    'completing the upload',
    () => call(`${base}/${id}/complete`, 'POST', o.token),
    (a) => a.status === 201 || a.status === 200,
    // A completion whose answer was lost may still be running on the gateway: wait for it.
    (a) => isTransientStatus(a.status) || (a.status === 409 && a.body.error?.details?.status === 'completing'),
  );
  return done.body;
}
