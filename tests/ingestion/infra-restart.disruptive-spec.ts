import { spawnSync } from 'node:child_process';
import { NatsConnection } from 'nats';
import { launcher } from '@vigie/shared-testing';
import { connectSetup, expectBalanced, login, PEOPLE_MAPPING, peopleCsv, processedEvents, sleep, uniqueSource, upload, waitJob } from './ingestion-test.helpers';

// Stops and restarts nats-server and PostgreSQL of the stack named by the environment
// (VIGIE_STATE_DIR, VIGIE_*_PORT, VIGIE_PORT_OFFSET: the shared one in `npm test`, where
// disruptive suites run alone after every other suite; a private one while developing, see
// docs/ingestion.md). Small batches and a short lease keep the reader in the middle of the file.
const THROTTLED = { INGESTION_BATCH_MAX_ITEMS: '60', INGESTION_MAX_UNPROCESSED_BATCHES: '2', INGESTION_LEASE_MS: '3000', INGESTION_POLL_MS: '500' };

function stackScript(script: 'up' | 'down', component: 'nats' | 'postgres'): void {
  const r = spawnSync('bash', [`scripts/stack/${script}.sh`, component], { cwd: launcher.ROOT, encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`scripts/stack/${script}.sh ${component} failed:\n${r.stderr.slice(-2000)}`);
}

/**
 * Starts again the services that exited meanwhile, as a supervisor (kubelet, systemd) would, and
 * returns their names: the suite is about the job, and must leave the stack running for the
 * suites after it.
 */
function restartExited(): string[] {
  const exited = launcher.SERVICES.map((s) => s.name).filter((name) => launcher.runningPid(name) === undefined);
  for (const name of exited) launcher.start(name);
  if (exited.length > 0) console.warn(`services that exited during the restart and were started again: ${exited.join(', ')}`);
  return exited;
}

/** Every service ready again (they reconnect by themselves). */
async function waitServicesReady(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await Promise.all(launcher.SERVICES.map((s) => fetch(`http://127.0.0.1:${s.healthPort}/health/ready`, { signal: AbortSignal.timeout(3000) }).then((r) => r.ok, () => false)));
    if (ready.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`services not ready again: ${launcher.SERVICES.filter((_, i) => !ready[i]).map((s) => s.name).join(', ')}`);
    await sleep(500);
  }
}

async function restartIngestion(overrides: Record<string, string> = {}): Promise<void> {
  await launcher.stop('ingestion');
  launcher.start('ingestion', { overrides });
  await launcher.waitReady('ingestion');
}

let token: string;

beforeAll(async () => {
  token = await login('alpha-ingest');
  await restartIngestion(THROTTLED);
}, 120_000);

afterAll(async () => {
  await restartIngestion();
}, 120_000);

describe.each([
  ['nats-server', 'nats' as const, 330_000],
  ['PostgreSQL', 'postgres' as const, 340_000],
])('a job survives a restart of %s', (_label, component, offset) => {
  it('resumes from its last acknowledged position and completes with exact counts, no record lost or written twice', async () => {
    const rows = 600;
    const since = new Date();
    const data = Buffer.concat([peopleCsv(rows, offset), Buffer.from('bad,row\n')]);
    const created = await upload(token, `${component}.csv`, data, { format: 'csv', source: uniqueSource(`restart-${component}`), mapping: PEOPLE_MAPPING });
    expect(created.status).toBe(201);
    const mid = await waitJob(token, created.body.id, 90_000, (j) => (j.position?.index ?? -1) >= 100 || (j.status !== 'pending' && j.status !== 'running'));
    expect(mid.status).toBe('running');
    expect(mid.position!.index).toBeLessThan(rows - 100);

    stackScript('down', component);
    await sleep(3000);
    stackScript('up', component);
    await sleep(2000);
    // The ingestion service itself rides the restart out (it reconnects and retries).
    expect(restartExited()).not.toContain('ingestion');
    await waitServicesReady();

    const done = await waitJob(token, created.body.id, 300_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toEqual({ read: rows + 1, valid: rows, quarantined: 1, written: rows, merged: expect.any(Number) });
    expectBalanced(done);
    // Exactly once: every person, phone and link created once, nothing updated (a batch
    // re-published after the restart is deduplicated by JetStream or finds its records unchanged).
    const nc: NatsConnection = await connectSetup();
    try {
      const events = await processedEvents(nc, created.body.id, since);
      // Every person, phone and link accounted for once and none rewritten. A batch whose first
      // write committed just before the restart is redelivered and reports its records unchanged
      // (its first outcome event, left in the outbox by the outage, is then deduplicated by id),
      // so "created" alone may fall short while nothing is lost or written twice.
      expect(events.reduce((n, e) => n + e.objects.created + e.links.created + e.objects.unchanged + e.links.unchanged, 0)).toBe(3 * rows);
      expect(events.reduce((n, e) => n + e.objects.updated + e.links.updated, 0)).toBe(0);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    } finally {
      await nc.drain();
    }
  }, 480_000);
});
