import { ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { freePort, startPrivateGateway } from '@vigie/shared-testing';
import { connectSetup, login, PEOPLE_MAPPING, peopleCsv, uniqueSource } from './ingestion-test.helpers';

// A second gateway (same build, same NATS and Keycloak) with a 64 KiB upload limit, on free
// ports: the shared gateway keeps its default limit while this suite runs.
const LIMIT = 64 * 1024;
let gateway: ChildProcess;
let base: string;
let token: string;

/** Names of the objects stored in the uploads bucket whose file name is `fileName`. */
async function storedNamed(fileName: string): Promise<string[]> {
  const nc = await connectSetup();
  try {
    const os = await nc.jetstream().views.os('ingest-uploads');
    const list = await os.list();
    return list.filter((o) => o.metadata?.['fileName'] === fileName).map((o) => o.name);
  } finally {
    await nc.close();
  }
}

beforeAll(async () => {
  const [httpPort, healthPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${httpPort}`;
  token = await login('alpha-ingest');
  gateway = await startPrivateGateway(httpPort, healthPort, { INGEST_MAX_UPLOAD_SIZE: '64kb' });
}, 90_000);

afterAll(async () => {
  if (gateway && gateway.exitCode === null) {
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway.once('exit', r));
  }
});

describe('the maximum upload size (INGEST_MAX_UPLOAD_SIZE)', () => {
  it('refuses a raw upload whose declared length is over the limit with 413 naming the limit, before storing anything', async () => {
    const fileName = `${uniqueSource('big')}.csv`;
    const body = Buffer.alloc(LIMIT + 1, 'a');
    const res = await fetch(`${base}/api/v1/ingest/jobs?format=csv&fileName=${fileName}&mapping=${encodeURIComponent(PEOPLE_MAPPING)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body,
    });
    expect(res.status).toBe(413);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('INGESTION_FILE_TOO_LARGE');
    expect(error.message).toMatch(/maximum upload size of 64 KiB \(65536 bytes, INGEST_MAX_UPLOAD_SIZE\)/);
    expect(await storedNamed(fileName)).toEqual([]);
  });

  it('refuses a streamed upload (no declared length) once it passes the limit: 413, and no object or chunk kept', async () => {
    const fileName = `${uniqueSource('stream')}.csv`;
    const part = peopleCsv(400); // ~14 KB
    let sent = 0;
    const source = Readable.from(
      (async function* () {
        while (sent < 4 * LIMIT) {
          sent += part.length;
          yield part;
        }
      })(),
    );
    const res = await fetch(`${base}/api/v1/ingest/jobs?format=csv&fileName=${fileName}&mapping=${encodeURIComponent(PEOPLE_MAPPING)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(source) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INGESTION_FILE_TOO_LARGE');
    expect(await storedNamed(fileName)).toEqual([]);
  });

  it('refuses a multipart upload over the limit with 413, and still accepts one under it', async () => {
    const fileName = `${uniqueSource('multi')}.csv`;
    const form = new FormData();
    form.append('format', 'csv');
    form.append('mapping', PEOPLE_MAPPING);
    form.append('file', new Blob([new Uint8Array(Buffer.concat([peopleCsv(2500)]))]), fileName);
    const res = await fetch(`${base}/api/v1/ingest/jobs`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/nothing was stored/);
    expect(await storedNamed(fileName)).toEqual([]);

    const small = new FormData();
    small.append('format', 'csv');
    small.append('source', uniqueSource('small'));
    small.append('mapping', PEOPLE_MAPPING);
    small.append('file', new Blob([new Uint8Array(peopleCsv(10, 81_000))]), 'small.csv');
    const ok = await fetch(`${base}/api/v1/ingest/jobs`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: small });
    expect(ok.status).toBe(201);
  });
});
