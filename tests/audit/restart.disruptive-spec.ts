import { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { launcher } from '@vigie/shared-testing';
import { connectAs, countRecords, inProcessAudit, newTenant, recorderOn, waitFor, writerPool } from './audit-test.helpers';

// The audit service killed (SIGKILL, mid-batch) while services keep recording: JetStream holds the
// acknowledged events, and after a restart the consumer chains every one of them exactly once.

describe('audit service stopped during traffic', () => {
  let nc: NatsConnection;
  let db: Pool;
  const audit = inProcessAudit();

  beforeAll(async () => {
    nc = await connectAs('ingestion');
    db = writerPool();
  });

  afterAll(async () => {
    if (!launcher.runningPid('audit')) launcher.start('audit');
    await launcher.waitReady('audit', 60000).catch(() => undefined);
    await nc.drain();
    await db.end();
    await audit.store.close();
  });

  it('loses no event and keeps the chain complete and valid after a restart', async () => {
    await launcher.waitReady('audit', 60000);
    const tenant = newTenant('restart');
    const recorder = recorderOn(nc);
    const total = 400;
    const ids = new Set<string>();
    const publish = async (from: number, to: number) => {
      for (let i = from; i < to; i += 20) {
        const events = await Promise.all(
          Array.from({ length: Math.min(20, to - i) }, (_, k) =>
            recorder.record({ tenant, actor: { sub: 'svc', roles: [], kind: 'service' }, action: 'ingest.job.create', details: { n: i + k } }),
          ),
        );
        events.forEach((e) => ids.add(e.id));
      }
    };
    await publish(0, 150);
    const killed = launcher.stop('audit', { signal: 'SIGKILL', timeoutMs: 5000 });
    await publish(150, 300);
    await killed;
    expect(launcher.runningPid('audit')).toBeUndefined();
    await publish(300, total);
    expect(ids.size).toBe(total);

    launcher.start('audit');
    await launcher.waitReady('audit', 60000);
    // Messages delivered to the killed process come back after the consumer's ack wait (30 s).
    await waitFor(`${total} records`, async () => (await countRecords(db, tenant)) === total, 75000, 500);
    const stored = await db.query<{ event_id: string }>('SELECT event_id FROM audit.records WHERE tenant = $1', [tenant]);
    expect(new Set(stored.rows.map((r) => r.event_id))).toEqual(ids);
    expect(await audit.reader.verify(tenant, {})).toMatchObject({ ok: true, recordsChecked: total, firstSeq: 1, lastSeq: total });
  }, 120000);
});
