import { NatsConnection } from 'nats';
import { launcher } from '@vigie/shared-testing';
import { connectSetup, expectBalanced, login, PEOPLE_MAPPING, peopleCsv, processedEvents, uniqueSource, upload, waitJob } from './ingestion-test.helpers';

// Small batches, little read-ahead and a short lease: the reader is still in the middle of the
// file when the service is killed, and the restarted service takes the job over quickly.
const THROTTLED = { INGESTION_BATCH_MAX_ITEMS: '60', INGESTION_MAX_UNPROCESSED_BATCHES: '2', INGESTION_LEASE_MS: '3000', INGESTION_POLL_MS: '500' };

async function restartIngestion(overrides: Record<string, string> = {}, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  await launcher.stop('ingestion', { signal });
  launcher.start('ingestion', { overrides });
  await launcher.waitReady('ingestion');
}

let token: string;
let nc: NatsConnection;

beforeAll(async () => {
  token = await login('alpha-ingest');
  nc = await connectSetup();
  await restartIngestion(THROTTLED);
}, 120_000);

afterAll(async () => {
  await nc?.drain();
  await restartIngestion();
}, 120_000);

describe('a job survives kill -9 of the ingestion service', () => {
  it('resumes from its last acknowledged batch and completes with exact counts, no record lost or written twice', async () => {
    const rows = 600;
    const since = new Date();
    const data = Buffer.concat([peopleCsv(rows, 300_000), Buffer.from('bad,row\n')]);
    const created = await upload(token, 'kill.csv', data, { format: 'csv', source: uniqueSource('kill'), mapping: PEOPLE_MAPPING });
    expect(created.status).toBe(201);
    const mid = await waitJob(token, created.body.id, 60_000, (j) => (j.position?.index ?? -1) >= 100 || j.status !== 'pending' && j.status !== 'running');
    expect(mid.status).toBe('running');
    expect(mid.position!.index).toBeLessThan(rows - 100);

    await restartIngestion(THROTTLED, 'SIGKILL');

    const done = await waitJob(token, created.body.id, 240_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toEqual({ read: rows + 1, valid: rows, quarantined: 1, written: rows, merged: expect.any(Number) });
    expectBalanced(done);
    // Every object and link was created exactly once: a re-published batch is deduplicated by
    // JetStream or finds its records unchanged in the ontology.
    const events = await processedEvents(nc, created.body.id, since);
    const created3 = events.reduce((n, e) => n + e.objects.created + e.links.created, 0);
    const updated = events.reduce((n, e) => n + e.objects.updated + e.links.updated, 0);
    expect(created3).toBe(3 * rows);
    expect(updated).toBe(0);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  }, 300_000);
});
