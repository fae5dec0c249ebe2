import { ObjectType } from '@vigie/ontology-contracts';
import { PreparedRecord, ResolutionRecord } from '@vigie/ontology-domain';

/** One object's resolution record for one stored state of it, and its prepared form once computed. */
export interface CachedRecord {
  /** The object's `content_hash` (SHA-256 of its type, markings and property values) when read. */
  hash: string;
  /** The type the record was read through (the tenant's current ontology document holds it). */
  type: ObjectType;
  /** Undefined when the type takes no part in resolution. */
  record: ResolutionRecord | undefined;
  prepared?: PreparedRecord;
}

/** Entries kept at most: ≈ 2 KB each with the prepared names, so ≈ 40 MB at most in a long-running service. */
export const RESOLUTION_RECORD_CACHE_LIMIT = 20_000;

/**
 * The resolution records the fuzzy pass read lately, by object id — a stored record is a
 * candidate of many new ones (it shares their blocking keys), and was read, mapped and prepared
 * again for each. An entry serves only the state it was read from: same content hash (the
 * property values are the same) and the same type object (a new ontology document gives new type
 * objects, so an entry read through an older document is never used).
 * Bounded in two generations: when the current one holds `limit / 2` entries it becomes the old
 * one (the previous old one is dropped); an entry found in the old generation moves to the
 * current one. Recently used entries stay, at most `limit` are kept, and no lookup reorders a map.
 */
export class ResolutionRecordCache {
  private current = new Map<string, CachedRecord>();
  private previous = new Map<string, CachedRecord>();
  private readonly generation: number;

  constructor(limit = RESOLUTION_RECORD_CACHE_LIMIT) {
    if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`the resolution record cache limit must be an integer of at least 2, got ${limit}`);
    this.generation = Math.floor(limit / 2);
  }

  /** Entries held (both generations; an entry found in both counts once). */
  get size(): number {
    let n = this.current.size;
    for (const id of this.previous.keys()) if (!this.current.has(id)) n++;
    return n;
  }

  /** The entry of `objectId` if it was read from this state (hash) through this type; undefined otherwise. */
  get(objectId: string, hash: string, type: ObjectType): CachedRecord | undefined {
    let entry = this.current.get(objectId);
    if (!entry) {
      entry = this.previous.get(objectId);
      if (entry && entry.hash === hash && entry.type === type) this.put(objectId, entry);
    }
    return entry && entry.hash === hash && entry.type === type ? entry : undefined;
  }

  /** Keeps the record of `objectId` as read from this state; returns its entry. */
  set(objectId: string, hash: string, type: ObjectType, record: ResolutionRecord | undefined): CachedRecord {
    const entry: CachedRecord = { hash, type, record };
    this.put(objectId, entry);
    return entry;
  }

  private put(objectId: string, entry: CachedRecord): void {
    if (!this.current.has(objectId) && this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(objectId, entry);
  }
}
