import { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { NatsConnection } from 'nats';
import { freePort, startPrivateGateway } from '@vigie/shared-testing';
import { api, connectSetup, expectBalanced, JobView, login, PEOPLE_MAPPING, peopleCsv, uniqueSource, upload, waitJob } from './ingestion-test.helpers';
import { cutChunk, ErrorBody, leaveCompleting, sessionApi, SessionBody, stateStored, storedParts } from './resumable-upload.helpers';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** `peopleCsv` with a wide column the mapping does not read: files of a few hundred kB, few rows to ingest. */
function widePeopleCsv(rows: number, offset: number): Buffer {
  const lines = peopleCsv(rows, offset).toString('utf8').trimEnd().split('\n');
  return Buffer.from(`${lines.map((l, i) => `${l},${i === 0 ? 'notes' : 'n'.repeat(280)}`).join('\n')}\n`);
}

let ingest: string;
let nc: NatsConnection;

beforeAll(async () => {
  ingest = await login('alpha-ingest');
  nc = await connectSetup();
});

afterAll(async () => {
  await nc?.drain();
});

/**
 * A second gateway (same build, NATS and Keycloak) with `overrides`, started before the enclosing
 * describe's tests and stopped after them; `base` is its URL once started.
 */
function privateGateway(overrides: Record<string, string>): { readonly base: string } {
  let child: ChildProcess | undefined;
  const handle = { base: '' };
  beforeAll(async () => {
    const [httpPort, healthPort] = [await freePort(), await freePort()];
    handle.base = `http://127.0.0.1:${httpPort}`;
    child = await startPrivateGateway(httpPort, healthPort, overrides);
  }, 90_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
  });
  return handle;
}

async function open(token: string, data: Buffer, extra: Record<string, unknown> = {}): Promise<SessionBody> {
  const r = await sessionApi(token, '', { method: 'POST', json: { fileName: 'people.csv', size: data.length, format: 'csv', mapping: PEOPLE_MAPPING, ...extra } });
  expect(r.status).toBe(201);
  expect(r.headers.get('location')).toBe(`/api/v1/ingest/uploads/${r.body.id}`);
  return r.body;
}

async function send(token: string, id: string, data: Buffer, from: number, to: number): Promise<SessionBody> {
  const r = await sessionApi(token, `/${id}`, { method: 'PATCH', bytes: data.subarray(from, to), offset: from });
  expect(r.status).toBe(200);
  expect(r.headers.get('upload-offset')).toBe(String(to));
  return r.body;
}

describe('resumable uploads: the same job as a one-shot upload', () => {
  it('a file sent in several chunks gives the job, SHA-256 and counts a one-shot upload of it gives', async () => {
    const rows = 600;
    const data = Buffer.concat([widePeopleCsv(rows, 510_000), Buffer.from('bad,row\n')]);
    expect(data.length).toBeGreaterThan(30_001 + 140_000);
    const source = uniqueSource('resumable');
    const oneShot = await upload(ingest, 'people.csv', data, { format: 'csv', source: `${source}-1`, mapping: PEOPLE_MAPPING });
    expect(oneShot.status).toBe(201);

    const session = await open(ingest, data, { source: `${source}-2`, sha256: sha256(data) });
    expect(session).toMatchObject({ offset: 0, size: data.length, status: 'open', parts: 0, sha256: sha256(data), jobId: null });
    // Chunks of uneven sizes, one above the store's 128 KiB message size.
    const cuts = [7_000, 30_001, 30_001 + 140_000, data.length];
    let from = 0;
    for (const to of cuts) {
      await send(ingest, session.id, data, from, to);
      from = to;
    }
    const done = await sessionApi<JobView & ErrorBody>(ingest, `/${session.id}/complete`, { method: 'POST' });
    expect(done.status).toBe(201);
    expect(done.body.detected?.['sha256']).toBe(sha256(data));
    expect(done.body.detected?.['sha256']).toBe(oneShot.body.detected?.['sha256']);
    expect(done.body).toMatchObject({ fileName: 'people.csv', format: 'csv', source: `${source}-2`, markings: oneShot.body.markings });

    const [a, b] = await Promise.all([waitJob(ingest, oneShot.body.id, 120_000), waitJob(ingest, done.body.id, 120_000)]);
    expect(b.status).toBe('completed');
    expect(a.status).toBe('completed');
    expect(b.counts).toEqual({ ...a.counts, merged: expect.any(Number) });
    expect(b.counts).toMatchObject({ read: rows + 1, valid: rows, quarantined: 1, written: rows });
    expectBalanced(b);
    expect(b.progress.bytesTotal).toBe(data.length);

    // Completed: the session says which job; a repeated complete answers that job, no second one.
    const seen = await sessionApi(ingest, `/${session.id}`);
    expect(seen.body).toMatchObject({ status: 'completed', offset: data.length, jobId: done.body.id });
    const again = await sessionApi<JobView>(ingest, `/${session.id}/complete`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(done.body.id);
    const jobs = await api<{ items: JobView[] }>(`/ingest/jobs?source=${source}-2`, ingest);
    expect(jobs.body.items.map((j) => j.id)).toEqual([done.body.id]);
  }, 240_000);
});

describe('resumable uploads: a dropped connection', () => {
  it('does not count a chunk cut short: the offset stays at the last whole chunk and the upload resumes from there', async () => {
    const rows = 800;
    const data = widePeopleCsv(rows, 520_000);
    expect(data.length).toBeGreaterThan(250_000);
    const session = await open(ingest, data, { source: uniqueSource('cut') });
    const first = 100_000;
    await send(ingest, session.id, data, 0, first);
    // The client sends 150 kB of a 250 kB chunk, then its network goes.
    await cutChunk(ingest, session.id, first, 250_000, data.subarray(first, first + 150_000));
    const after = await sessionApi(ingest, `/${session.id}`);
    expect(after.body.offset).toBe(first);
    expect(after.body.parts).toBe(1);
    const head = await sessionApi(ingest, `/${session.id}`, { method: 'HEAD' });
    expect(head.headers.get('upload-offset')).toBe(String(first));
    expect(head.headers.get('upload-length')).toBe(String(data.length));

    await send(ingest, session.id, data, first, data.length);
    const done = await sessionApi<JobView>(ingest, `/${session.id}/complete`, { method: 'POST' });
    expect(done.status).toBe(201);
    expect(done.body.detected?.['sha256']).toBe(sha256(data));
    expect(Object.values(await storedParts(nc, session.id))).toHaveLength(2);
    const job = await waitJob(ingest, done.body.id, 180_000);
    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ read: rows, valid: rows, quarantined: 0, written: rows });
  }, 240_000);
});

describe('resumable uploads: refusals', () => {
  it('refuses a chunk at another offset with 409 naming the expected offset, and one past the size with 400', async () => {
    const data = peopleCsv(50, 530_000);
    const session = await open(ingest, data);
    await send(ingest, session.id, data, 0, 1000);
    const wrong = await sessionApi(ingest, `/${session.id}`, { method: 'PATCH', bytes: data.subarray(0, 500), offset: 0 });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toMatchObject({ code: 'INGESTION_UPLOAD_OFFSET_MISMATCH', details: { expectedOffset: 1000, offset: 0 } });
    expect(wrong.body.error!.message).toMatch(/from offset 1000/);
    const over = await sessionApi(ingest, `/${session.id}`, { method: 'PATCH', bytes: Buffer.concat([data.subarray(1000), Buffer.from('x')]), offset: 1000 });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: 'INGESTION_UPLOAD_SIZE_EXCEEDED', details: { remaining: data.length - 1000 } });
    const noOffset = await sessionApi(ingest, `/${session.id}`, { method: 'PATCH', bytes: data.subarray(1000) });
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.error!.message).toMatch(/Upload-Offset/);
    const early = await sessionApi(ingest, `/${session.id}/complete`, { method: 'POST' });
    expect(early.status).toBe(409);
    expect(early.body.error!.message).toMatch(/1000 of \d+ bytes/);
    expect((await sessionApi(ingest, `/${session.id}`)).body.offset).toBe(1000);
    expect((await sessionApi(ingest, `/${session.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses a file whose SHA-256 is not the one declared: nothing is ingested, the session and its chunks are deleted', async () => {
    const data = peopleCsv(40, 540_000);
    const source = uniqueSource('sha');
    const session = await open(ingest, data, { source, sha256: sha256(Buffer.from('another file')) });
    await send(ingest, session.id, data, 0, data.length);
    expect(Object.keys(await storedParts(nc, session.id))).toHaveLength(1);
    const done = await sessionApi<ErrorBody>(ingest, `/${session.id}/complete`, { method: 'POST' });
    expect(done.status).toBe(400);
    expect(done.body.error).toMatchObject({ code: 'INGESTION_CHECKSUM_MISMATCH', details: { expected: sha256(Buffer.from('another file')), actual: sha256(data) } });
    expect(done.body.error!.message).toMatch(/nothing was ingested/);
    expect((await sessionApi(ingest, `/${session.id}`)).status).toBe(404);
    expect(await storedParts(nc, session.id)).toEqual({});
    const jobs = await api<{ items: JobView[] }>(`/ingest/jobs?source=${source}`, ingest);
    expect(jobs.body.items).toEqual([]);
  });

  it('refuses at creation a mapping that does not fit (400 with the line), a size over the maximum (413), markings above the clearance or a caller without the role (403)', async () => {
    const bad = await sessionApi(ingest, '', { method: 'POST', json: { fileName: 'p.csv', size: 10, format: 'csv', mapping: PEOPLE_MAPPING.replace('givenName: first_name', 'givenNom: first_name') } });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.code).toBe('INGESTION_INVALID_MAPPING');
    expect(bad.body.error!.message).toMatch(/givenNom/);
    const huge = await sessionApi(ingest, '', { method: 'POST', json: { fileName: 'p.csv', size: 5 * 1024 ** 4, format: 'csv', mapping: PEOPLE_MAPPING } });
    expect(huge.status).toBe(413);
    expect(huge.body.error!.code).toBe('INGESTION_FILE_TOO_LARGE');
    const noSize = await sessionApi(ingest, '', { method: 'POST', json: { fileName: 'p.csv', format: 'csv', mapping: PEOPLE_MAPPING } });
    expect(noSize.status).toBe(400);
    expect(noSize.body.error!.message).toMatch(/size/);
    const secret = await sessionApi(ingest, '', { method: 'POST', json: { fileName: 'p.csv', size: 10, format: 'csv', mapping: PEOPLE_MAPPING, markings: { level: 'S', compartments: [] } } });
    expect(secret.status).toBe(403);
    expect(secret.body.error).toMatchObject({ code: 'INGESTION_MARKINGS_ABOVE_CLEARANCE' });
    expect(secret.body.error!.message).toMatch(/level S is above the clearance DR/);
    const byMapping = await sessionApi(ingest, '', { method: 'POST', json: { fileName: 'p.csv', size: 10, format: 'csv', mapping: PEOPLE_MAPPING.replace('level: NP', 'level: TS') } });
    expect(byMapping.status).toBe(403);
    expect(byMapping.body.error!.message).toMatch(/level TS/);
    const analyst = await login('alpha-np');
    const r = await sessionApi(analyst, '', { method: 'POST', json: { fileName: 'p.csv', size: 10, format: 'csv', mapping: PEOPLE_MAPPING } });
    expect(r.status).toBe(403);
  });

  it('keeps a session private to its creator: another user neither sees it nor appends to it nor completes it (404)', async () => {
    const data = peopleCsv(20, 550_000);
    const session = await open(ingest, data);
    await send(ingest, session.id, data, 0, 100);
    const other = await login('bravo-ingest', 'bravo');
    expect((await sessionApi(other, `/${session.id}`)).status).toBe(404);
    const append = await sessionApi(other, `/${session.id}`, { method: 'PATCH', bytes: data.subarray(100), offset: 100 });
    expect(append.status).toBe(404);
    expect(append.body.error!.code).toBe('INGESTION_UPLOAD_SESSION_NOT_FOUND');
    expect((await sessionApi(other, `/${session.id}/complete`, { method: 'POST' })).status).toBe(404);
    expect((await sessionApi(other, `/${session.id}`, { method: 'DELETE' })).status).toBe(404);
    // Not a session id (a subject wildcard, a dot): no such session, never an error of the server.
    for (const bad of ['*', '%3E', 'a.b', `${session.id}.x`]) {
      expect((await sessionApi(ingest, `/${bad}`)).status).toBe(404);
      expect((await sessionApi(ingest, `/${bad}`, { method: 'PATCH', bytes: Buffer.from('x'), offset: 100 })).status).toBe(404);
    }
    const mine = await sessionApi(ingest, `/${session.id}`);
    expect(mine.body).toMatchObject({ offset: 100, status: 'open' });

    // Cancelled by its creator: gone, chunks and all.
    expect((await sessionApi(ingest, `/${session.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await sessionApi(ingest, `/${session.id}`)).status).toBe(404);
    expect(await storedParts(nc, session.id)).toEqual({});
    expect(await stateStored(nc, session.id)).toBe(false);
  });
});

describe('resumable uploads: expiry (INGEST_UPLOAD_SESSION_TTL)', () => {
  // A second gateway (same build, NATS and Keycloak) whose sessions expire after 2 s.
  const gateway = privateGateway({ INGEST_UPLOAD_SESSION_TTL: '2s' });

  it('deletes an abandoned session and its chunks once it has been idle for the TTL', async () => {
    const data = peopleCsv(5000, 560_000);
    const created = await sessionApi(ingest, '', { method: 'POST', base: gateway.base, json: { fileName: 'p.csv', size: data.length, format: 'csv', mapping: PEOPLE_MAPPING } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(Date.parse(created.body.expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
    const sent = await sessionApi(ingest, `/${id}`, { method: 'PATCH', base: gateway.base, bytes: data.subarray(0, 140_000), offset: 0 });
    expect(sent.status).toBe(200);
    expect(Object.values(await storedParts(nc, id))).toEqual([2]);
    const deadline = Date.now() + 15_000;
    while ((await stateStored(nc, id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await stateStored(nc, id)).toBe(false);
    expect(await storedParts(nc, id)).toEqual({});
    expect((await sessionApi(ingest, `/${id}`, { base: gateway.base })).status).toBe(404);
  }, 60_000);
});

describe('resumable uploads: a gateway that died in complete (INGEST_UPLOAD_COMPLETE_LEASE)', () => {
  // A second gateway (same build, NATS and Keycloak) whose completing sessions are taken over after 1 s.
  const gateway = privateGateway({ INGEST_UPLOAD_COMPLETE_LEASE: '1s' });

  async function sentWhole(data: Buffer, source: string): Promise<string> {
    const created = await sessionApi(ingest, '', { method: 'POST', base: gateway.base, json: { fileName: 'people.csv', size: data.length, format: 'csv', mapping: PEOPLE_MAPPING, source, sha256: sha256(data) } });
    expect(created.status).toBe(201);
    const sent = await sessionApi(ingest, `/${created.body.id}`, { method: 'PATCH', base: gateway.base, bytes: data, offset: 0 });
    expect(sent.status).toBe(200);
    return created.body.id;
  }

  const complete = (id: string) => sessionApi<JobView & ErrorBody>(ingest, `/${id}/complete`, { method: 'POST', base: gateway.base });
  const jobsOf = async (source: string) => (await api<{ items: JobView[] }>(`/ingest/jobs?source=${source}`, ingest)).body.items.map((j) => j.id);

  it('holds a completing session for the lease, then takes it over: one job, with the whole file', async () => {
    const data = peopleCsv(300, 730_000);
    const source = uniqueSource('takeover');
    const id = await sentWhole(data, source);
    await leaveCompleting(nc, id);

    const held = await complete(id);
    expect(held.status).toBe(409);
    expect(held.body.error?.code).toBe('INGESTION_UPLOAD_SESSION_STATE_CONFLICT');
    expect(held.body.error?.details).toMatchObject({ status: 'completing', retryAfterMs: expect.any(Number) });
    expect(held.body.error?.details?.['retryAfterMs']).toBeLessThanOrEqual(1000);
    expect(await jobsOf(source)).toEqual([]);

    await new Promise((r) => setTimeout(r, 1100));
    // Two clients retrying at once: at most one runs the takeover, both end with the same single job.
    const [a, b] = await Promise.all([complete(id), complete(id)]);
    expect([a.status, b.status].every((s) => s === 201 || s === 409)).toBe(true);
    const winner = a.status === 201 ? a : b;
    expect(winner.status).toBe(201);
    expect(winner.body.detected?.['sha256']).toBe(sha256(data));
    const after = await complete(id);
    expect([after.status, after.body.id]).toEqual([200, winner.body.id]);
    expect(await jobsOf(source)).toEqual([winner.body.id]);
    const job = await waitJob(ingest, winner.body.id, 120_000);
    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ read: 300, written: 300, quarantined: 0 });
  }, 180_000);

  it('answers the job the dead gateway had already created, never a second one', async () => {
    const data = peopleCsv(50, 731_000);
    const source = uniqueSource('takeover-created');
    const id = await sentWhole(data, source);
    const first = await complete(id);
    expect(first.status).toBe(201);
    // Died between creating the job and recording it: the session says completing, with no job.
    await leaveCompleting(nc, id, { jobId: null, digest: null });
    await new Promise((r) => setTimeout(r, 1100));

    const again = await complete(id);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect((await sessionApi(ingest, `/${id}`, { base: gateway.base })).body).toMatchObject({ status: 'completed', jobId: first.body.id });
    expect(await jobsOf(source)).toEqual([first.body.id]);
    expect((await waitJob(ingest, first.body.id, 120_000)).counts).toMatchObject({ read: 50, written: 50 });
  }, 180_000);
});

