import { AuditException, AuditExceptionCode } from '@vigie/audit-contracts';
import { isJsonObject, JsonObject, toCanonicalJson } from './canonical-json.util';
import { ChainHead, ChainRecord, recordHash } from './chain-hash.util';

/** What the appender needs of an event: its id (the Nats-Msg-Id) and tenant; the rest is hashed as is. */
export interface AppendableEvent {
  readonly id: string;
  readonly tenant: string;
  readonly [field: string]: unknown;
}

export interface AppendOptions {
  /** Event ids already in the tenant's chain (e.g. `SELECT event_id … WHERE event_id = ANY($1)`). */
  readonly knownEventIds?: ReadonlySet<string> | ((eventId: string) => boolean);
  /** `recordedAt` of the new records; defaults to now. */
  readonly recordedAt?: string | Date;
}

export interface AppendResult {
  /** The new records, in order, ready for one multi-row INSERT. */
  readonly records: ChainRecord[];
  /** Event ids skipped because they were known or repeated in the batch (redeliveries). */
  readonly duplicates: string[];
  /** The head after the new records (unchanged when all were duplicates). */
  readonly head: ChainHead;
}

/**
 * Chains a batch of one tenant's events after `head` (use `genesisHead(tenant)` for an empty
 * chain). Pure: no I/O. Events already known, or repeated within the batch, are skipped, so a
 * redelivered message never becomes a second record. Each event is stored as its canonical JSON
 * round trip, which is exactly what was hashed.
 *
 * The caller holds the tenant's head under a lock (row lock or advisory lock) from reading
 * `head` until the INSERT commits; a unique (tenant, seq) and (tenant, event_id) index backs it.
 */
export function appendEvents(head: ChainHead, events: readonly AppendableEvent[], options: AppendOptions = {}): AppendResult {
  if (!Number.isSafeInteger(head.seq) || head.seq < 0 || !/^[0-9a-f]{64}$/.test(head.hash)) {
    throw new AuditException(AuditExceptionCode.InvalidRecord, `Chain head of tenant "${head.tenant}" is malformed (seq ${head.seq})`);
  }
  const known = options.knownEventIds;
  const isKnown = typeof known === 'function' ? known : (id: string) => known?.has(id) ?? false;
  const recordedAt = toIsoUtc(options.recordedAt);
  const seenInBatch = new Set<string>();
  const records: ChainRecord[] = [];
  const duplicates: string[] = [];
  let seq = head.seq;
  let prevHash = head.hash;

  events.forEach((event, index) => {
    if (!isJsonObject(event)) {
      throw new AuditException(AuditExceptionCode.InvalidEvent, `Event #${index} of the batch is not a plain JSON object`);
    }
    if (typeof event.id !== 'string' || event.id.length === 0) {
      throw new AuditException(AuditExceptionCode.InvalidEvent, `Event #${index} of the batch has no id`);
    }
    if (event.tenant !== head.tenant) {
      throw new AuditException(
        AuditExceptionCode.TenantMismatch,
        `Event ${event.id} belongs to tenant "${String(event.tenant)}", not to the chain of "${head.tenant}"`,
      );
    }
    if (seenInBatch.has(event.id) || isKnown(event.id)) {
      duplicates.push(event.id);
      return;
    }
    seenInBatch.add(event.id);
    seq += 1;
    const unhashed = { tenant: head.tenant, seq, eventId: event.id, recordedAt, event: toCanonicalJson<JsonObject>(event), prevHash };
    const record: ChainRecord = { ...unhashed, hash: recordHash(unhashed) };
    records.push(record);
    prevHash = record.hash;
  });

  return { records, duplicates, head: { tenant: head.tenant, seq, hash: prevHash } };
}

/** Splits a mixed batch (as consumed from the AUDIT stream) into one batch per tenant, keeping order. */
export function groupEventsByTenant<E extends AppendableEvent>(events: readonly E[]): Map<string, E[]> {
  const groups = new Map<string, E[]>();
  for (const event of events) {
    const group = groups.get(event.tenant);
    if (group) group.push(event);
    else groups.set(event.tenant, [event]);
  }
  return groups;
}

function toIsoUtc(time: string | Date | undefined): string {
  const date = time === undefined ? new Date() : new Date(time);
  if (Number.isNaN(date.getTime())) {
    throw new AuditException(AuditExceptionCode.InvalidRecord, `recordedAt "${String(time)}" is not a date`);
  }
  return date.toISOString();
}
