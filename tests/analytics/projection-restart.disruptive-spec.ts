import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import type { ObjectView } from '@vigie/ontology-contracts';
import { projectionStatus, SearchResponse } from '@vigie/analytics-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { launcher, serviceHealthUrl } from '@vigie/shared-testing';
import { eventually, person, post, publishObject, ontologyPublisher, setupConnection } from './analytics-test.helpers';

/**
 * After a restart the durable consumer catches up on what was published while the service was
 * down — the lag is reported meanwhile. It stops the analytics service, so it is a disruptive
 * spec: `npm test` runs it alone, after every other suite.
 */
const sfx = Array.from(randomBytes(7), (b) => 'bcdfghjklmnprstvz'[b % 17]).join('') + 'u';
const NPU = { user: 'alpha-np' };

let nc: NatsConnection;
let admin: NatsConnection;
let client: ServiceClient;

const search = (q: string) => post<SearchResponse>('/search', { q }, NPU);

beforeAll(async () => {
  nc = await ontologyPublisher();
  admin = await setupConnection();
  client = new ServiceClient(admin, 5000);
});

const published: ObjectView[] = [];

afterAll(async () => {
  // Delete what this run published (the tenant is shared with the other suites).
  for (const o of published) await publishObject(nc, 'alpha', { ...o, version: o.version + 10, deletedAt: new Date().toISOString() });
  await nc?.drain();
  await admin?.close();
});

describe('analytics projections across a restart', () => {
  it('catches up after a restart and reports its lag meanwhile', async () => {
    const jsm = await admin.jetstreamManager();
    await launcher.stop('analytics');
    try {
      const late = Array.from({ length: 5 }, (_, i) => person(`Late Comer ${i} ${sfx}`));
      for (const o of late) await publishObject(nc, 'alpha', o);
      published.push(...late);
      const info = await jsm.consumers.info('ONTOLOGY', 'analytics-projector');
      expect(info.num_pending).toBeGreaterThanOrEqual(late.length);
    } finally {
      launcher.start('analytics');
      await launcher.waitReady('analytics', 60_000);
    }
    const lateOnes = (r: { body: SearchResponse }) => r.body.items.filter((i) => i.title?.startsWith('Late Comer') && i.title.endsWith(sfx)).length;
    const started = Date.now();
    const found = await eventually(() => search(`Late Comer ${sfx}`), (r) => lateOnes(r) === 5, 30_000);
    process.stdout.write(`caught up ${Date.now() - started} ms after ready\n`);
    expect(found.body.items.slice(0, 5).every((i) => i.title?.startsWith('Late Comer'))).toBe(true);
    const status = await eventually(() => client.request(projectionStatus, {}), (s) => s.lagMessages === 0, 15_000);
    expect(status.ackFloor).toBeGreaterThan(0);
    expect(status.lagSeconds).toBe(0);
    const metrics = await (await fetch(serviceHealthUrl('analytics', '/metrics'))).text();
    expect(metrics).toMatch(/vigie_analytics_projection_lag_messages\{[^}]*\} 0/);
    const health = (await (await fetch(serviceHealthUrl('analytics'))).json()) as { dependencies: { name: string; status: string }[] };
    expect(health.dependencies).toContainEqual(expect.objectContaining({ name: 'ontology-projection', status: 'up' }));
  });
});
