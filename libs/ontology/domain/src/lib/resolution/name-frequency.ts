import { PreparedRecord } from './resolution-record';

/**
 * How common name tokens are, for frequency-aware matching (Fellegi-Sunter's
 * frequency-based u-probabilities): agreeing on "Mary Smith" is weaker evidence than agreeing
 * on "Ksenia Vorobyova". Counts are per phonetic key, once per record.
 */
export interface NameFrequencies {
  /** Number of records counted. */
  total: number;
  /** Records whose names contain the key. */
  counts: ReadonlyMap<string, number>;
  /** Median rarity over the records counted: names rarer than this gain weight, commoner ones lose it. */
  reference: number;
}

/** Below this many records, frequencies say little: `resolve` does not build them from the batch. */
export const MIN_RECORDS_FOR_FREQUENCIES = 1000;

function tokenKeys(record: PreparedRecord): Set<string> {
  const keys = new Set<string>();
  for (const name of record.names) for (const t of name.tokens) if (!t.initial) keys.add(t.key || t.text);
  return keys;
}

function rarityWith(counts: ReadonlyMap<string, number>, total: number, record: PreparedRecord): number {
  const first = record.names[0];
  if (!first) return 0;
  let r = 0;
  for (const t of first.tokens) {
    if (t.initial) continue;
    const df = Math.max(1, counts.get(t.key || t.text) ?? 1);
    r += Math.log(total / df);
  }
  return r;
}

/** Counts name token keys over a set of records (a batch, or the stored records of a tenant). */
export function buildNameFrequencies(records: PreparedRecord[]): NameFrequencies {
  const counts = new Map<string, number>();
  for (const r of records) for (const k of tokenKeys(r)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const total = Math.max(1, records.length);
  const rarities = records.map((r) => rarityWith(counts, total, r)).sort((a, b) => a - b);
  return { total, counts, reference: rarities.length ? rarities[Math.floor(rarities.length / 2)] : 0 };
}

/** Rarity of a record's main name: Σ ln(total / count) over its tokens (higher = rarer). */
export function nameRarity(frequencies: NameFrequencies, record: PreparedRecord): number {
  return rarityWith(frequencies.counts, frequencies.total, record);
}
