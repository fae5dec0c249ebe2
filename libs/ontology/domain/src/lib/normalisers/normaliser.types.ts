/** The outcome of normalising one raw identifier: its canonical form, or why it was refused. */
export type NormaliseResult =
  | { ok: true; value: string; /** e.g. the hash algorithm, the phone number type, the plate format */ detail?: string }
  | { ok: false; reason: string };

export interface NormaliseOptions {
  /** ISO 3166-1 alpha-2 region used when the raw value names none (phones, passports, national IDs). */
  defaultCountry?: string;
}

export function ok(value: string, detail?: string): NormaliseResult {
  return detail === undefined ? { ok: true, value } : { ok: true, value, detail };
}

export function refused(reason: string): NormaliseResult {
  return { ok: false, reason };
}

/** Country-aware identifiers may be written `CC:VALUE` (`DE:C01X00T47`); returns the parts. */
export function splitCountryPrefix(raw: string): { country?: string; rest: string } {
  const m = /^\s*([A-Za-z]{2})\s*:\s*(.+)$/.exec(raw);
  return m ? { country: m[1].toUpperCase(), rest: m[2] } : { rest: raw };
}

/** Uppercase and drop spaces, dots, hyphens, slashes and underscores. */
export function compactUpper(raw: string): string {
  return raw.normalize('NFKC').toUpperCase().replace(/[\s.\-/_]+/g, '');
}
