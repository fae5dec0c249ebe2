import { request } from 'node:http';
import { headers, NatsConnection } from 'nats';
import { gatewayUrl } from '@vigie/shared-testing';

export interface ErrorBody {
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

export interface SessionBody extends ErrorBody {
  id: string;
  offset: number;
  size: number;
  status: string;
  parts: number;
  sha256: string | null;
  expiresAt: string;
  jobId: string | null;
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** A call to `/api/v1/ingest/uploads…` of `base` (default: the stack's gateway). */
export async function sessionApi<T = SessionBody>(token: string, path: string, init: { method?: string; json?: unknown; bytes?: Buffer; offset?: number; base?: string } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let body: string | Uint8Array | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.bytes) {
    headers['content-type'] = 'application/offset+octet-stream';
    body = new Uint8Array(init.bytes);
  }
  if (init.offset !== undefined) headers['upload-offset'] = String(init.offset);
  const url = init.base ? `${init.base}/api/v1/ingest/uploads${path}` : gatewayUrl(`/api/v1/ingest/uploads${path}`);
  const res = await fetch(url, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/**
 * Starts a chunk of `declared` bytes, sends `sent` of them, then cuts the connection (a client
 * that lost its network mid-chunk). Resolves once the socket is closed.
 */
export function cutChunk(token: string, id: string, offset: number, declared: number, sent: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const u = new URL(gatewayUrl(`/api/v1/ingest/uploads/${id}`));
    const req = request(u, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/offset+octet-stream', 'content-length': String(declared), 'upload-offset': String(offset) },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(sent, () => setTimeout(() => req.destroy(), 200));
  });
}

/** Message counts of the session's part subjects still in the uploads bucket's stream. */
export async function storedParts(nc: NatsConnection, id: string): Promise<Record<string, number>> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info('OBJ_ingest-uploads', { subjects_filter: `$O.ingest-uploads.C.parts.${id}.*` });
  return info.state.subjects ?? {};
}

/** Whether the session's state message is still in the stream. */
export async function stateStored(nc: NatsConnection, id: string): Promise<boolean> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info('OBJ_ingest-uploads', { subjects_filter: `$O.ingest-uploads.C.sessions.${id}` });
  return Object.keys(info.state.subjects ?? {}).length > 0;
}

/**
 * Rewrites the session's state as a gateway that died in `complete` leaves it: `completing`, plus
 * `change` (e.g. no job recorded although the job was created). Written like the gateway writes it
 * (rolled up, expecting the last sequence), so the message's time is now.
 */
export async function leaveCompleting(nc: NatsConnection, id: string, change: Record<string, unknown> = {}): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const subject = `$O.ingest-uploads.C.sessions.${id}`;
  const last = await jsm.streams.getMessage('OBJ_ingest-uploads', { last_by_subj: subject });
  const h = headers();
  h.set('Nats-Rollup', 'sub');
  await nc.jetstream().publish(subject, JSON.stringify({ ...last.json<Record<string, unknown>>(), status: 'completing', ...change }), { headers: h, expect: { lastSubjectSequence: last.seq } });
}

