import { createHash } from 'node:crypto';
import { canonicalize, JsonObject } from './canonical-json.util';

/** Domain-separation tags: each hashed or signed statement starts with one and a line feed. */
export const RECORD_HASH_TAG = 'vigie.audit.record.v1';
export const GENESIS_HASH_TAG = 'vigie.audit.genesis.v1';
export const CHECKPOINT_STATEMENT_TAG = 'vigie.audit.checkpoint.v1';

/** One link of a tenant's chain. See docs/adr/0004-audit-chain.md for the exact hash input. */
export interface ChainRecord {
  readonly tenant: string;
  /** 1-based, per tenant, no gaps. */
  readonly seq: number;
  readonly eventId: string;
  /** When the audit service chained the event, ISO 8601 UTC. */
  readonly recordedAt: string;
  /** The event exactly as hashed (canonical JSON round trip). */
  readonly event: JsonObject;
  /** `hash` of record `seq - 1`, or the tenant's genesis hash for `seq` 1. */
  readonly prevHash: string;
  readonly hash: string;
}

export type UnhashedRecord = Omit<ChainRecord, 'hash'>;

/** The last link of a chain: where the next record attaches. `seq` 0 is the empty chain. */
export interface ChainHead {
  readonly tenant: string;
  readonly seq: number;
  readonly hash: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `prevHash` of a tenant's first record: SHA-256 of `"vigie.audit.genesis.v1\n" + tenant`. */
export function genesisHash(tenant: string): string {
  return sha256Hex(`${GENESIS_HASH_TAG}\n${tenant}`);
}

export function genesisHead(tenant: string): ChainHead {
  return { tenant, seq: 0, hash: genesisHash(tenant) };
}

/** The exact bytes hashed for a record: `"vigie.audit.record.v1\n" + JCS({event, eventId, prevHash, recordedAt, seq, tenant})`. */
export function recordHashInput(record: UnhashedRecord): string {
  const { tenant, seq, eventId, recordedAt, event, prevHash } = record;
  return `${RECORD_HASH_TAG}\n${canonicalize({ tenant, seq, eventId, recordedAt, event, prevHash })}`;
}

/** SHA-256 (lowercase hex) of `recordHashInput(record)`. Fields other than the six hashed ones are ignored. */
export function recordHash(record: UnhashedRecord): string {
  return sha256Hex(recordHashInput(record));
}
