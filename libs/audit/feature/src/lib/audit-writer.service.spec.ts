import { AuditEvent } from '@vigie/audit-contracts';
import { ChainHead, ChainRecord, Checkpoint, generateSigningKeyPair, genesisHead, verifyChain } from '@vigie/audit-chain';
import { AuditStore } from '@vigie/audit-data-access';
import { loadAuditKeys } from './audit-keys';
import { AuditWriter } from './audit-writer.service';

/** An in-memory stand-in for the store: one "transaction" at a time, commit on success only. */
class MemoryStore {
  records: ChainRecord[] = [];
  checkpoints: Checkpoint[] = [];
  locks: string[] = [];

  async transaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T> {
    const records = [...this.records];
    const checkpoints = [...this.checkpoints];
    const tx = {
      lockTenant: async (tenant: string) => void this.locks.push(tenant),
      head: async (tenant: string): Promise<ChainHead> => {
        const last = records.filter((r) => r.tenant === tenant).at(-1);
        return last ? { tenant, seq: last.seq, hash: last.hash } : genesisHead(tenant);
      },
      knownEventIds: async (tenant: string, ids: string[]) => new Set(records.filter((r) => r.tenant === tenant && ids.includes(r.eventId)).map((r) => r.eventId)),
      insertRecords: async (rs: ChainRecord[]) => void records.push(...rs),
      lastCheckpoint: async (tenant: string) => checkpoints.filter((c) => c.tenant === tenant).at(-1) ?? null,
      insertCheckpoint: async (c: Checkpoint) => void checkpoints.push(c),
    };
    const result = await fn(tx);
    this.records = records;
    this.checkpoints = checkpoints;
    return result;
  }
}

function event(tenant: string, i: number): AuditEvent {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    time: '2026-01-01T00:00:00.000Z',
    tenant,
    actor: { sub: 'u', roles: [], kind: 'user' },
    action: 'object.read',
    resources: [],
    purpose: null,
    outcome: 'success',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    service: 'ontology',
    details: { i },
  };
}

describe('AuditWriter', () => {
  const keys = loadAuditKeys(generateSigningKeyPair().privateKeyPem);

  it('chains a mixed batch per tenant, locking tenants in order, skipping known ids', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store as unknown as AuditStore, keys, { everyRecords: 1000, everySeconds: 3600 });
    const batch = [event('b', 1), event('a', 2), event('b', 3), event('a', 2)];
    expect(await writer.appendBatch(batch)).toEqual({ appended: 3, duplicates: 1, checkpoints: 2 });
    expect(store.locks).toEqual(['a', 'b']);
    expect(await writer.appendBatch([event('b', 3), event('b', 4)])).toMatchObject({ appended: 1, duplicates: 1 });
    const b = store.records.filter((r) => r.tenant === 'b');
    expect(b.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(verifyChain(b, store.checkpoints.filter((c) => c.tenant === 'b'), keys.signing.publicKeyPem)).toMatchObject({ ok: true, coveredUpTo: 2, unsignedTail: 1 });
  });

  it('signs a checkpoint every N records, and on the timer once T seconds passed', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store as unknown as AuditStore, keys, { everyRecords: 3, everySeconds: 60 });
    let now = new Date('2026-01-01T00:00:00Z');
    const clock = () => now;
    await writer.appendBatch([event('t', 1)], clock); // first checkpoint: none yet → signed at once
    await writer.appendBatch([event('t', 2)], clock);
    await writer.appendBatch([event('t', 3)], clock);
    expect(store.checkpoints.map((c) => c.seq)).toEqual([1]);
    await writer.appendBatch([event('t', 4)], clock);
    expect(store.checkpoints.map((c) => c.seq)).toEqual([1, 4]);
    await writer.appendBatch([event('t', 5)], clock);
    expect(await writer.checkpointPending(undefined, clock)).toBe(0);
    now = new Date('2026-01-01T00:01:01Z');
    expect(await writer.checkpointPending(undefined, clock)).toBe(1);
    expect(store.checkpoints.map((c) => c.seq)).toEqual([1, 4, 5]);
    expect(await writer.checkpointPending(['t'], clock)).toBe(0);
  });

  it('writes nothing when the transaction fails', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store as unknown as AuditStore, keys, { everyRecords: 1, everySeconds: 1 });
    await expect(writer.appendBatch([{ ...event('t', 1), tenant: 'x' }, event('t', 2)].map((e, i) => (i === 0 ? { ...e, id: '' } : e)))).rejects.toThrow(/has no id/);
    expect(store.records).toEqual([]);
  });
});
