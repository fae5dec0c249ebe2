import { randomBytes } from 'node:crypto';
import { NatsConnection, RetentionPolicy, StorageType } from 'nats';
import { connectNats } from '@vigie/shared-messaging';
import { checkJetStream } from './nats-health.indicator';

// Against the real nats-server of the local stack, as the `setup` user (may declare streams).
const config = { NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', NATS_USER: 'setup', NATS_PASSWORD: process.env['VIGIE_NATS_PASSWORD_SETUP'] };
const run = randomBytes(4).toString('hex');
const stream = `HEALTHTEST_${run}`;

describe('JetStream health on a real NATS server', () => {
  let nc: NatsConnection;
  const written = 8 * 64 * 1024;

  beforeAll(async () => {
    nc = await connectNats(config, 'nats-health-test');
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [`healthtest.${run}.>`], retention: RetentionPolicy.Limits, storage: StorageType.File, max_age: 0 });
    const js = nc.jetstream();
    for (let i = 0; i < 8; i++) await js.publish(`healthtest.${run}.m`, randomBytes(written / 8));
  });

  afterAll(async () => {
    const jsm = await nc?.jetstreamManager();
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.close();
  });

  // Other suites write to (and delete from) the same account meanwhile: the limits below are far
  // from what the account stores, never near the 90 % line.
  it('reports what JetStream stores, up while the store has room', async () => {
    const health = await checkJetStream(nc, { timeoutMs: 2000, maxStorageBytes: 1024 ** 4 });
    expect(health).toMatchObject({ name: 'nats-jetstream', status: 'up', version: expect.stringMatching(/^\d+\.\d+\.\d+/), storageLimitBytes: 1024 ** 4 });
    expect(health.storageBytes).toBeGreaterThanOrEqual(written);
    expect(health.error).toBeUndefined();
  });

  it('is degraded when the account stores more than 90 % of the configured store, and says how full, what waits and what to do', async () => {
    const health = await checkJetStream(nc, { timeoutMs: 2000, maxStorageBytes: written });
    expect(health).toMatchObject({ status: 'degraded', storageLimitBytes: written });
    expect(health.error).toMatch(/^JetStream store \d+\.\d\d GiB of 0\.00 GiB used \(100 %\): when it is full, every audited act is refused \(the audit log cannot record it\) and imports and change events wait \(nothing is lost\)/);
  });

  it('does not judge the store without a limit: up, with what it stores', async () => {
    const health = await checkJetStream(nc, { timeoutMs: 2000 });
    expect(health.status).toBe('up');
    expect(health.storageBytes).toBeGreaterThan(0);
    expect(health.storageLimitBytes).toBeUndefined();
  });

  it('is down, with the reason, when NATS does not answer', async () => {
    const closed = await connectNats(config, 'nats-health-test-closed');
    await closed.close();
    const health = await checkJetStream(closed, { timeoutMs: 500 });
    expect(health).toMatchObject({ name: 'nats-jetstream', status: 'down', error: expect.any(String) });
  });
});
