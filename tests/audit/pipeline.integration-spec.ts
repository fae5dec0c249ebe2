import { randomUUID } from 'node:crypto';
import { JSONCodec, NatsConnection } from 'nats';
import { Pool } from 'pg';
import { AuditException, AuditExceptionCode, auditSubjectFor } from '@vigie/audit-contracts';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { launcher } from '@vigie/shared-testing';
import { connectAs, countRecords, inProcessAudit, newTenant, recorderOn, sampleEvent, waitFor, writerPool } from './audit-test.helpers';

// End to end through the running audit service: events published to the AUDIT stream by a
// service's recorder are chained by the `audit-writer` consumer.

describe('audit pipeline (running audit service)', () => {
  let nc: NatsConnection;
  let db: Pool;
  const audit = inProcessAudit();

  beforeAll(async () => {
    nc = await connectAs('ontology');
    db = writerPool();
    await launcher.waitReady('audit', 60000);
  });

  afterAll(async () => {
    await nc.drain();
    await db.end();
    await audit.store.close();
  });

  it('chains what a service records, in order, and the chain verifies', async () => {
    const tenant = newTenant('pipe');
    const recorder = recorderOn(nc);
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const event = await recorder.record({ tenant, actor: { sub: 'u1', roles: [], kind: 'user' }, action: 'object.read', resources: [{ type: 'Person', id: `p${i}` }] });
      ids.push(event.id);
    }
    await waitFor('30 records', async () => (await countRecords(db, tenant)) === 30);
    const rows = await db.query<{ event_id: string }>('SELECT event_id FROM audit.records WHERE tenant = $1 ORDER BY seq', [tenant]);
    expect(rows.rows.map((r) => r.event_id)).toEqual(ids);
    expect(await audit.reader.verify(tenant, {})).toMatchObject({ ok: true, recordsChecked: 30 });
  });

  it('stores a redelivered event once (same event id, published again past deduplication)', async () => {
    const tenant = newTenant('dup');
    const event = sampleEvent(tenant, 1);
    const js = nc.jetstream();
    const codec = JSONCodec();
    // Different Nats-Msg-Ids, so JetStream keeps both messages: the consumer must skip the second.
    await js.publish(auditSubjectFor(event.action), codec.encode(event), { msgID: randomUUID() });
    await js.publish(auditSubjectFor(event.action), codec.encode(event), { msgID: randomUUID() });
    const other = sampleEvent(tenant, 2);
    await js.publish(auditSubjectFor(other.action), codec.encode(other), { msgID: other.id });
    await waitFor('the later event', async () => (await countRecords(db, tenant)) >= 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(await countRecords(db, tenant)).toBe(2);
  });

  it('dead-letters an event the store cannot hold and still chains the rest of its batch', async () => {
    const tenant = newTenant('poison');
    const js = nc.jetstream();
    const codec = JSONCodec();
    const bad = sampleEvent(tenant, 1, { details: { note: 'nul \u0000 here' } });
    const good = sampleEvent(tenant, 2);
    await js.publish(auditSubjectFor(bad.action), codec.encode(bad), { msgID: bad.id });
    await js.publish(auditSubjectFor(good.action), codec.encode(good), { msgID: good.id });
    await waitFor('the good event', async () => (await countRecords(db, tenant)) === 1);
    const setup = await connectAs('setup');
    try {
      const jsm = await setup.jetstreamManager();
      const dead = await waitFor('the dead-lettered event', async () => {
        const m = await jsm.streams.getMessage('DEADLETTER', { last_by_subj: 'audit.v1.deadletter.audit' });
        return (codec.decode(m.data) as { id: string }).id === bad.id ? m : undefined;
      });
      expect(dead.header.get('x-dead-letter-reason')).toMatch(/NUL/);
    } finally {
      await setup.close();
    }
  });

  it('skips duplicates inside a batch and across batches (writer idempotence)', async () => {
    const tenant = newTenant('dup');
    const events = [1, 2, 3].map((i) => sampleEvent(tenant, i));
    expect(await audit.writer.appendBatch([events[0], events[1], events[0]])).toMatchObject({ appended: 2, duplicates: 1 });
    expect(await audit.writer.appendBatch(events)).toMatchObject({ appended: 1, duplicates: 2 });
    expect(await countRecords(db, tenant)).toBe(3);
    expect((await audit.reader.verify(tenant, {})).ok).toBe(true);
  });

  it('never forks a chain under concurrent writers', async () => {
    const tenant = newTenant('race');
    const second = inProcessAudit();
    try {
      const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 25 }, (_, i) => sampleEvent(tenant, b * 25 + i)));
      await Promise.all(batches.map((batch, i) => (i % 2 ? second.writer : audit.writer).appendBatch(batch)));
    } finally {
      await second.store.close();
    }
    expect(await countRecords(db, tenant)).toBe(200);
    expect(await audit.reader.verify(tenant, {})).toMatchObject({ ok: true, recordsChecked: 200 });
  });

  it('fails closed: with no JetStream connection, record throws AUDIT_UNAVAILABLE and the guarded read serves nothing', async () => {
    const closed = await connectAs('ontology');
    await closed.close();
    const recorder = recorderOn(closed, 1000);
    const tenant = newTenant('closed');
    await expect(recorder.record({ tenant, actor: { sub: 'u', roles: [], kind: 'user' }, action: 'object.read' })).rejects.toMatchObject({
      code: AuditExceptionCode.Unavailable,
      kind: 'unavailable',
    });
    const outcome = await recorder.guard({ tenant, actor: { sub: 'u', roles: [], kind: 'user' }, action: 'object.read' }, async () => ({ name: 'secret' })).then(
      (value) => ({ served: value }),
      (error: unknown) => ({ error }),
    );
    expect(outcome).toEqual({ error: expect.any(AuditException) });
    expect(await countRecords(db, tenant)).toBe(0);
  });

  it('fails closed when JetStream does not acknowledge (no stream captures the subject)', async () => {
    const js = nc.jetstream();
    const codec = JSONCodec();
    const sink = { publish: (_c: unknown, payload: unknown, msgId: string) => js.publish('audit.v1.unstreamed.x', codec.encode(payload), { msgID: msgId, timeout: 500 }) };
    const recorder = new AuditRecorder(sink, { service: 'ontology' });
    const tenant = newTenant('noack');
    const read = jest.fn(async () => ({ name: 'secret' }));
    const outcome = await recorder.guard({ tenant, actor: { sub: 'u', roles: [], kind: 'user' }, action: 'object.read' }, read).then(
      (value) => ({ served: value }),
      (error: unknown) => ({ error }),
    );
    expect(outcome).toEqual({ error: expect.objectContaining({ code: 'AUDIT_UNAVAILABLE', kind: 'unavailable' }) });
    expect(read).toHaveBeenCalledTimes(1);
  });
});
