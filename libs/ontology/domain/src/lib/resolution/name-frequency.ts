import { PreparedRecord } from './resolution-record';

/**
 * How many records carry each full name (frequency-based matching, after Fellegi and Sunter):
 * when 80 records are called "Mohamed Ben Ali", agreeing on that name says little; when 2 are
 * called "Ksenia Vorobyova", it says a lot. Names are counted by their phonetic skeleton, order
 * ignored, so spellings and scripts of one name count together.
 */
export interface NameFrequencies {
  /** Number of records counted. */
  total: number;
  /** Full-name key (`fullNameKey`) → number of records with it. */
  counts: ReadonlyMap<string, number>;
}

/** Below this many records, counts say little: `resolve` does not build them from the batch. */
export const MIN_RECORDS_FOR_FREQUENCIES = 1000;

/** The key a record's main name is counted under: phonetic keys of its tokens (initials left out), sorted. */
export function fullNameKey(record: PreparedRecord): string | undefined {
  return record.nameKey;
}

/** Counts full names over a set of records (a batch, or the stored records of a tenant). */
export function buildNameFrequencies(records: PreparedRecord[]): NameFrequencies {
  const counts = new Map<string, number>();
  for (const r of records) {
    const key = fullNameKey(r);
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { total: records.length, counts };
}

/** How many records carry this record's main name (at least 1). */
export function nameFrequency(frequencies: NameFrequencies, record: PreparedRecord): number {
  const key = fullNameKey(record);
  return Math.max(1, key ? (frequencies.counts.get(key) ?? 1) : 1);
}
