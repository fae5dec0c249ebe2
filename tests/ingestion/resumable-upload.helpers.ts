import { ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NatsConnection } from 'nats';
import { gatewayUrl, launcher } from '@vigie/shared-testing';
import { stack } from './ingestion-test.helpers';

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

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A private gateway (the same build, NATS and Keycloak as the stack) on its own ports, with
 * `overrides` in its environment; resolves once it answers ready (at most 60 s).
 */
export async function startPrivateGateway(httpPort: number, healthPort: number, overrides: Record<string, string> = {}): Promise<ChildProcess> {
  const env = { ...process.env, ...launcher.serviceEnv('gateway', stack, { HTTP_PORT: String(httpPort), HEALTH_PORT: String(healthPort), LOG_LEVEL: 'warn', ...overrides }) };
  const child = spawn(launcher.serviceNode(), [join(launcher.ROOT, 'dist/apps/gateway/main.js')], { env, stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await fetch(`http://127.0.0.1:${healthPort}/health/ready`).then((r) => r.ok).catch(() => false)) return child;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the test gateway did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}
