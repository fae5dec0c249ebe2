import { createHash } from 'node:crypto';
import { AuditExceptionCode } from '@vigie/audit-contracts';
import { appendEvents, groupEventsByTenant } from './chain-appender.util';
import { genesisHash, genesisHead, recordHash, recordHashInput } from './chain-hash.util';
import { makeEvent, TENANT } from './chain-fixtures.spec-helper';

const AT = '2025-03-01T10:00:00.000Z';

describe('record hash format', () => {
  it('is SHA-256 of the tag line and the JCS of the six hashed fields (pinned)', () => {
    const record = {
      tenant: 'dgsi',
      seq: 1,
      eventId: 'e-1',
      recordedAt: AT,
      event: { id: 'e-1', b: [1, 'é'], a: null },
      prevHash: genesisHash('dgsi'),
    };
    const expectedInput =
      'vigie.audit.record.v1\n' +
      `{"event":{"a":null,"b":[1,"é"],"id":"e-1"},"eventId":"e-1","prevHash":"${genesisHash('dgsi')}","recordedAt":"${AT}","seq":1,"tenant":"dgsi"}`;
    expect(recordHashInput(record)).toBe(expectedInput);
    expect(recordHash(record)).toBe(createHash('sha256').update(Buffer.from(expectedInput, 'utf8')).digest('hex'));
    expect(genesisHash('dgsi')).toBe(createHash('sha256').update('vigie.audit.genesis.v1\ndgsi').digest('hex'));
    expect(genesisHash('dgsi')).not.toBe(genesisHash('dgse'));
  });
});

describe('appendEvents', () => {
  it('chains a batch after the genesis head', () => {
    const events = [makeEvent(1), makeEvent(2), makeEvent(3)];
    const { records, duplicates, head } = appendEvents(genesisHead(TENANT), events, { recordedAt: AT });
    expect(duplicates).toEqual([]);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0].prevHash).toBe(genesisHash(TENANT));
    expect(records[1].prevHash).toBe(records[0].hash);
    expect(records[2].prevHash).toBe(records[1].hash);
    for (const r of records) expect(r.hash).toBe(recordHash(r));
    expect(records.map((r) => r.eventId)).toEqual(events.map((e) => e.id));
    expect(head).toEqual({ tenant: TENANT, seq: 3, hash: records[2].hash });
  });

  it('gives the same chain in one batch or several', () => {
    const events = [makeEvent(1), makeEvent(2), makeEvent(3)];
    const whole = appendEvents(genesisHead(TENANT), events, { recordedAt: AT });
    const first = appendEvents(genesisHead(TENANT), events.slice(0, 1), { recordedAt: AT });
    const rest = appendEvents(first.head, events.slice(1), { recordedAt: AT });
    expect([...first.records, ...rest.records]).toEqual(whole.records);
  });

  it('skips events already chained or repeated in the batch (redeliveries)', () => {
    const first = appendEvents(genesisHead(TENANT), [makeEvent(1), makeEvent(2)], { recordedAt: AT });
    const known = new Set(first.records.map((r) => r.eventId));
    const again = appendEvents(first.head, [makeEvent(2), makeEvent(3), makeEvent(3), makeEvent(1)], { knownEventIds: known, recordedAt: AT });
    expect(again.records.map((r) => [r.seq, r.eventId])).toEqual([[3, makeEvent(3).id]]);
    expect(again.duplicates).toEqual([makeEvent(2).id, makeEvent(3).id, makeEvent(1).id]);

    const byFunction = appendEvents(first.head, [makeEvent(1)], { knownEventIds: (id) => known.has(id) });
    expect(byFunction.records).toEqual([]);
    expect(byFunction.head).toEqual(first.head);
  });

  it('stores the event exactly as hashed (canonical round trip)', () => {
    const event = { ...makeEvent(1), details: { note: undefined, n: -0 } };
    const { records } = appendEvents(genesisHead(TENANT), [event], { recordedAt: AT });
    expect(records[0].event['details']).toEqual({ n: 0 });
    expect(Object.keys(records[0].event['details'] as object)).toEqual(['n']);
  });

  it('refuses another tenant, an event without id, a malformed head or a bad time', () => {
    expect(() => appendEvents(genesisHead(TENANT), [makeEvent(1, 'other')])).toThrow(
      expect.objectContaining({ code: AuditExceptionCode.TenantMismatch, message: expect.stringContaining('"other"') }),
    );
    const { id: _id, ...noId } = makeEvent(1);
    expect(() => appendEvents(genesisHead(TENANT), [noId as never])).toThrow(/has no id/);
    expect(() => appendEvents({ tenant: TENANT, seq: -1, hash: 'x' }, [makeEvent(1)])).toThrow(/malformed/);
    expect(() => appendEvents(genesisHead(TENANT), [makeEvent(1)], { recordedAt: 'yesterday' })).toThrow(/not a date/);
    expect(() => appendEvents(genesisHead(TENANT), [{ ...makeEvent(1), when: new Date() }])).toThrow(
      expect.objectContaining({ code: AuditExceptionCode.NotCanonicalizable }),
    );
  });

  it('groups a mixed stream batch by tenant, keeping order', () => {
    const groups = groupEventsByTenant([makeEvent(1, 'a'), makeEvent(2, 'b'), makeEvent(3, 'a')]);
    expect([...groups.keys()]).toEqual(['a', 'b']);
    expect(groups.get('a')!.map((e) => e.id)).toEqual([makeEvent(1).id, makeEvent(3).id]);
  });
});
