import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { backoffMs, humanBytes, isTransientStatus, MAX_RETRY_AFTER_MS, nextRange, resumableUpload, retryAfterHint, UploadRefusedError, uploadProgressLine } from './resumable-upload.util';

describe('resumable upload helpers', () => {
  it('waits longer after each failure, up to a bound', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('cuts the rest of the file into chunks from the offset', () => {
    expect(nextRange(0, 10, 4)).toEqual({ start: 0, end: 4 });
    expect(nextRange(8, 10, 4)).toEqual({ start: 8, end: 10 });
    expect(nextRange(10, 10, 4)).toBeNull();
  });

  it('says sizes and progress in words', () => {
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(1536 * 1024)).toBe('1.5 MiB');
    expect(uploadProgressLine(512, 1024)).toMatch(/50%\s+512 B of 1.0 KiB/);
  });

  it('retries the network and a restarting gateway, not a refusal', () => {
    expect(isTransientStatus(503)).toBe(true);
    expect(isTransientStatus(502)).toBe(true);
    expect(isTransientStatus(400)).toBe(false);
    expect(isTransientStatus(403)).toBe(false);
  });

  it('waits as long as the server asks (details.retryAfterMs), within a bound', () => {
    expect(retryAfterHint({ error: { details: { status: 'completing', retryAfterMs: 42_000 } } })).toBe(42_000);
    expect(retryAfterHint({ error: { details: { retryAfterMs: 10 * 60_000 } } })).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterHint({ error: { details: { status: 'completing' } } })).toBe(0);
    expect(retryAfterHint({ error: { details: { retryAfterMs: -5 } } })).toBe(0);
    expect(retryAfterHint(undefined)).toBe(0);
  });
});

/**
 * A gateway double keeping one session in memory; `cut` decides which chunk requests it drops
 * mid-body; the first `busyCompletes` completes answer that another `complete` holds the session.
 */
function fakeGateway(cut: (offset: number, n: number) => boolean, busyCompletes = 0) {
  const session = { id: 'b3d7e1c2-4a5f-4e6d-8c9b-0a1b2c3d4e5f', size: 0, offset: 0, sha256: '', bytes: [] as Buffer[], status: 'open' };
  let patches = 0;
  const requests: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const parts: Buffer[] = [];
    let received = 0;
    const n = ++patches;
    let dropped = false;
    req.on('data', (d: Buffer) => {
      parts.push(d);
      received += d.length;
      if (!dropped && req.method === 'PATCH' && cut(session.offset, n) && received > 0) {
        dropped = true;
        req.socket.destroy();
      }
    });
    req.on('end', () => {
      if (dropped) return;
      const body = Buffer.concat(parts);
      if (req.method === 'POST' && url.pathname === '/api/v1/ingest/uploads') {
        const r = JSON.parse(body.toString('utf8')) as { size: number; sha256: string };
        session.size = r.size;
        session.sha256 = r.sha256;
        return json(201, { id: session.id, offset: 0, size: r.size });
      }
      if (req.method === 'GET') return json(200, { id: session.id, offset: session.offset, size: session.size });
      if (req.method === 'PATCH') {
        const offset = Number(url.searchParams.get('offset'));
        if (offset !== session.offset) return json(409, { error: { code: 'INGESTION_UPLOAD_OFFSET_MISMATCH', details: { expectedOffset: session.offset } } });
        session.bytes.push(body);
        session.offset += body.length;
        return json(200, { id: session.id, offset: session.offset, size: session.size });
      }
      if (req.method === 'POST' && url.pathname.endsWith('/complete')) {
        if (busyCompletes-- > 0) return json(409, { error: { code: 'INGESTION_UPLOAD_SESSION_STATE_CONFLICT', details: { status: 'completing', retryAfterMs: 45_000 } } });
        const all = Buffer.concat(session.bytes);
        if (createHash('sha256').update(all).digest('hex') !== session.sha256) return json(400, { error: { code: 'INGESTION_CHECKSUM_MISMATCH', message: 'differs' } });
        return json(201, { id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', status: 'pending', detected: { sha256: session.sha256 } });
      }
      json(404, {});
    });
  };
  return { session, requests, handler };
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('resumableUpload against a gateway that drops the connection', () => {
  const file = randomBytes(100_000);
  const open = (start: number, end: number) => Readable.from([file.subarray(start, end)]);
  const sleep = () => Promise.resolve();

  it('resumes from the server offset after a chunk is cut, and the server ends up with the exact file', async () => {
    let cutOnce = true;
    const gw = fakeGateway((offset) => {
      if (offset === 40_000 && cutOnce) {
        cutOnce = false;
        return true;
      }
      return false;
    });
    const { server, url } = await listen(gw.handler);
    let progress = '';
    try {
      const job = await resumableUpload({ gateway: url, token: 't', file: 'x', size: file.length, session: { fileName: 'x.csv' }, chunkSize: 20_000, retries: 3, progress: (t) => (progress += t), open, sleep });
      expect(job.id).toBe('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b');
      expect(Buffer.concat(gw.session.bytes).equals(file)).toBe(true);
      expect(progress).toMatch(/chunk at byte 40000 failed/);
      expect(progress).toMatch(/resuming from byte 40000 of 100000/);
      expect(gw.requests.filter((r) => r.startsWith('GET'))).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('waits out a complete held by another request for as long as the gateway says, then gets the job', async () => {
    const gw = fakeGateway(() => false, 1);
    const { server, url } = await listen(gw.handler);
    const waits: number[] = [];
    try {
      const job = await resumableUpload({
        gateway: url,
        token: 't',
        file: 'x',
        size: file.length,
        session: { fileName: 'x.csv' },
        chunkSize: 50_000,
        retries: 3,
        progress: () => undefined,
        open,
        sleep: (ms) => (waits.push(ms), Promise.resolve()),
      });
      expect(job.id).toBe('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b');
      expect(waits).toEqual([45_000]);
      expect(gw.requests.filter((r) => r.endsWith('/complete'))).toHaveLength(2);
    } finally {
      server.close();
    }
  });

  it('gives up after the bounded number of failures in a row, naming the session', async () => {
    const gw = fakeGateway((offset) => offset === 20_000);
    const { server, url } = await listen(gw.handler);
    try {
      await expect(
        resumableUpload({ gateway: url, token: 't', file: 'x', size: file.length, session: { fileName: 'x.csv' }, chunkSize: 20_000, retries: 2, progress: () => undefined, open, sleep }),
      ).rejects.toThrow(new RegExp(`failed 3 times in a row at byte 20000.*${gw.session.id} stays open`));
    } finally {
      server.close();
    }
  });

  it('does not retry a refusal', async () => {
    const { server, url } = await listen((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INGESTION_INVALID_MAPPING', message: 'bad mapping' } }));
    });
    try {
      const error = await resumableUpload({ gateway: url, token: 't', file: 'x', size: 10, session: { fileName: 'x.csv' }, chunkSize: 5, retries: 5, progress: () => undefined, open, sleep, sha256: 'a'.repeat(64) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadRefusedError);
      expect((error as UploadRefusedError).message).toMatch(/HTTP 400 INGESTION_INVALID_MAPPING: bad mapping/);
    } finally {
      server.close();
    }
  });
});
