import { classifyBirthDates, compareBirthDates, parsePartialDate, PartialDate } from './date-similarity';
import { normaliseName, NormalisedName } from './name-normaliser';

/**
 * What entity resolution reads of a record: names (full name, aliases), birth date, place
 * (birth place for people, seat for organisations), gender, and identifiers already normalised
 * (`normaliseIdentifier`) with their strength.
 */
export interface ResolutionRecord {
  id: string;
  names: string[];
  /** `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (also `DD/MM/YYYY`). */
  birthDate?: string | null;
  place?: string | null;
  /** `female`, `male`; anything else is treated as unknown. */
  gender?: string | null;
  identifiers?: ResolutionIdentifier[];
}

export interface ResolutionIdentifier {
  /** The normaliser's name (`passport`, `phone`, …). */
  kind: string;
  /** The normalised value. */
  value: string;
  /** `strong`: the same value means the same entity. `weak`: evidence only (people share phones). */
  strength: 'strong' | 'weak';
}

/** A record with everything comparison needs computed once. */
export interface PreparedRecord {
  id: string;
  names: NormalisedName[];
  birthDate?: PartialDate;
  place?: NormalisedName;
  gender?: 'female' | 'male';
  strong: Map<string, Set<string>>;
  weak: Map<string, Set<string>>;
  /** The main name's frequency key: phonetic keys of its tokens (initials left out), sorted. */
  nameKey?: string;
}

function mainNameKey(names: NormalisedName[]): string | undefined {
  const keys = names[0]?.tokens.filter((t) => !t.initial).map((t) => t.key || t.text) ?? [];
  return keys.length ? keys.sort().join(' ') : undefined;
}

export function prepareRecord(record: ResolutionRecord): PreparedRecord {
  const names = [...new Set(record.names.map((n) => n.trim()).filter(Boolean))].map(normaliseName).filter((n) => n.tokens.length > 0);
  const place = record.place ? normaliseName(record.place) : undefined;
  const gender = record.gender === 'female' || record.gender === 'male' ? record.gender : undefined;
  const strong = new Map<string, Set<string>>();
  const weak = new Map<string, Set<string>>();
  for (const id of record.identifiers ?? []) {
    const map = id.strength === 'strong' ? strong : weak;
    map.set(id.kind, (map.get(id.kind) ?? new Set()).add(id.value));
  }
  const birthDate = parsePartialDate(record.birthDate ?? undefined);
  const nameKey = mainNameKey(names);
  return {
    id: record.id,
    names,
    ...(nameKey ? { nameKey } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(place && place.tokens.length ? { place } : {}),
    ...(gender ? { gender } : {}),
    strong,
    weak,
  };
}

/**
 * Evidence that two records cannot be the same entity whatever their names: clearly different
 * birth dates, different strong identifiers of a kind one holds only once (national ID),
 * different genders. Used to stop transitive merges (A~B, B~C) from joining A and C.
 */
export function contradicts(a: PreparedRecord, b: PreparedRecord): string | undefined {
  // 'one-digit' too: one entity never holds two full birth dates a digit apart (ADR 0006, review only).
  const dates = classifyBirthDates(a.birthDate, b.birthDate).category;
  if (dates === 'different' || dates === 'one-digit') return compareBirthDates(a.birthDate, b.birthDate).detail;
  if (a.gender && b.gender && a.gender !== b.gender) return `different genders (${a.gender} / ${b.gender})`;
  const ida = a.strong.get('national-id');
  const idb = b.strong.get('national-id');
  if (ida && idb && ![...ida].some((v) => idb.has(v))) return 'different national ID numbers';
  return undefined;
}
