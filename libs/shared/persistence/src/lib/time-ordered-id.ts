import { randomFillSync } from 'node:crypto';

const IDS_PER_FILL = 256;
const pool = Buffer.alloc(16 * IDS_PER_FILL);
let nextInPool = IDS_PER_FILL;

/**
 * A UUID version 7 (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, the version and variant
 * bits, and 74 random bits — for the ids of rows written by the million (objects, links, entities,
 * merges, review items).
 *
 * Why not `randomUUID()` (version 4): every index keyed by a random id takes each insert at a random
 * leaf page, so once a tenant's indexes outgrow memory every row written costs a disk read per such
 * index (primary keys, the links' ends, the derived tables' object ids, the search documents). Ids
 * that grow with time land on the rightmost pages, which stay cached (docs/adr/0019). They are
 * ordered by millisecond only — ids made in the same millisecond are in random order — and they
 * reveal when a row was created, which the row's own `created_at` already tells anyone allowed to
 * read it.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (nextInPool === IDS_PER_FILL) {
    randomFillSync(pool);
    nextInPool = 0;
  }
  // Each 16 bytes of the pool serve one id, then are drawn again at the next fill.
  const bytes = pool.subarray(nextInPool * 16, nextInPool * 16 + 16);
  nextInPool += 1;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
