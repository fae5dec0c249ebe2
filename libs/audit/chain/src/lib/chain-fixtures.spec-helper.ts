// Builders shared by the chain specs (excluded from the library build).
import { appendEvents } from './chain-appender.util';
import { ChainHead, ChainRecord, genesisHead, recordHash } from './chain-hash.util';
import { AuditSigningKey, generateSigningKeyPair, loadSigningKey } from './chain-keys.util';
import { Checkpoint, signCheckpoint } from './checkpoint.util';

export const TENANT = 'dgsi';
export const signingKey: AuditSigningKey = loadSigningKey(generateSigningKeyPair().privateKeyPem);
export const otherKey: AuditSigningKey = loadSigningKey(generateSigningKeyPair().privateKeyPem);

const BASE = Date.parse('2025-03-01T10:00:00.000Z');

export function eventId(i: number): string {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

export function makeEvent(i: number, tenant = TENANT) {
  return {
    id: eventId(i),
    time: new Date(BASE + i * 1000).toISOString(),
    tenant,
    actor: { sub: `user-${i % 3}`, username: `analyst${i % 3}`, roles: ['vigie-analyst'], kind: 'user' },
    action: i % 2 ? 'object.read' : 'search.query',
    resources: [{ type: 'Person', id: `p-${i}` }],
    purpose: i % 4 ? null : { caseRef: 'CASE-42', justification: 'inquiry' },
    outcome: 'success',
    traceId: (i + 1).toString(16).padStart(32, 'a'),
    service: 'ontology',
    details: { latencyMs: i, hitCount: i * 2 },
  };
}

export interface BuiltChain {
  records: ChainRecord[];
  checkpoints: Checkpoint[];
  head: ChainHead;
}

/** Records `from..to` (events numbered by seq) after `head`, with a periodic checkpoint every `every` seqs. */
export function buildChain(to: number, options: { every?: number; head?: ChainHead; key?: AuditSigningKey; tenant?: string } = {}): BuiltChain {
  const tenant = options.tenant ?? TENANT;
  let head = options.head ?? genesisHead(tenant);
  const records: ChainRecord[] = [];
  const checkpoints: Checkpoint[] = [];
  for (let seq = head.seq + 1; seq <= to; seq++) {
    const result = appendEvents(head, [makeEvent(seq, tenant)], { recordedAt: new Date(BASE + seq * 1000 + 500) });
    records.push(...result.records);
    head = result.head;
    if (options.every && seq % options.every === 0) {
      checkpoints.push(signCheckpoint(head, options.key ?? signingKey, { time: new Date(BASE + seq * 1000 + 900) }));
    }
  }
  return { records, checkpoints, head };
}

/** A record with some fields changed and its own hash recomputed (a tamperer without the signing key). */
export function rehashed(record: ChainRecord, patch: Partial<ChainRecord> = {}): ChainRecord {
  const changed = { ...record, ...patch };
  return { ...changed, hash: recordHash(changed) };
}

/** Re-links and re-hashes records from index `from` on (rewriting the rest of the chain). */
export function rechain(records: ChainRecord[], from: number): ChainRecord[] {
  const out = records.slice(0, from);
  for (let i = from; i < records.length; i++) {
    const prevHash = i === 0 ? records[0].prevHash : out[i - 1].hash;
    out.push(rehashed(records[i], { prevHash }));
  }
  return out;
}
