import { compactUpper, NormaliseOptions, NormaliseResult, ok, refused, splitCountryPrefix } from './normaliser.types';

/**
 * Passport and national identity document numbers. The canonical form is `CC:NUMBER` when the
 * issuing country is known (from a `CC:` prefix on the value or the property's default
 * country), else `NUMBER`; letters uppercased, spaces and separators dropped. Countries with a
 * cheap, well-known pattern are checked against it.
 */
const PASSPORT_PATTERNS: Readonly<Record<string, { pattern: RegExp; shape: string }>> = {
  FR: { pattern: /^[0-9]{2}[A-Z]{2}[0-9]{5}$/, shape: '2 digits, 2 letters, 5 digits (e.g. 12AB34567)' },
  DE: { pattern: /^[CFGHJKLMNPRTVWXYZ0-9]{9}$/, shape: '9 characters from C F G H J K L M N P R T V W X Y Z and digits' },
  GB: { pattern: /^[0-9]{9}$/, shape: '9 digits' },
  US: { pattern: /^([0-9]{9}|[A-Z][0-9]{8})$/, shape: '9 digits, or a letter and 8 digits' },
  ES: { pattern: /^[A-Z]{3}[0-9]{6}$/, shape: '3 letters and 6 digits' },
  IT: { pattern: /^[A-Z]{2}[0-9]{7}$/, shape: '2 letters and 7 digits' },
  BE: { pattern: /^[A-Z]{2}[0-9]{6}$/, shape: '2 letters and 6 digits' },
};

const NATIONAL_ID_PATTERNS: Readonly<Record<string, { pattern: RegExp; shape: string }>> = {
  // Carte nationale d'identité: before 2021, 12 characters (YYMM, département code of 3, 5 digits);
  // the electronic card (CNIe, 2021) has 9 letters and digits.
  FR: { pattern: /^([0-9]{4}[0-9A-Z]{3}[0-9]{5}|[A-Z0-9]{9})$/, shape: '12 characters (0412750 12345 style, before 2021) or 9 letters and digits (CNIe)' },
  BE: { pattern: /^[0-9]{11}$/, shape: '11 digits (national register number)' },
  ES: { pattern: /^([0-9]{8}[A-Z]|[XYZ][0-9]{7}[A-Z])$/, shape: 'DNI (8 digits and a letter) or NIE (X/Y/Z, 7 digits, a letter)' },
  IT: { pattern: /^[A-Z]{2}[0-9]{5}[A-Z]{2}$/, shape: 'CIE: 2 letters, 5 digits, 2 letters' },
};

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

function checkSpanishId(id: string): string | undefined {
  const body = id.replace(/^X/, '0').replace(/^Y/, '1').replace(/^Z/, '2');
  const n = Number(body.slice(0, 8));
  return DNI_LETTERS[n % 23] === id.slice(-1) ? undefined : `the control letter of Spanish ID "${id}" is wrong`;
}

function normaliseDocumentNumber(
  raw: string,
  options: NormaliseOptions,
  what: string,
  patterns: Readonly<Record<string, { pattern: RegExp; shape: string }>>,
  extraCheck?: (country: string, id: string) => string | undefined,
): NormaliseResult {
  const { country: prefixed, rest } = splitCountryPrefix(raw);
  const country = prefixed ?? options.defaultCountry?.toUpperCase();
  const id = compactUpper(rest);
  if (!id) return refused(`${what} number is empty`);
  if (!/^[A-Z0-9]+$/.test(id)) return refused(`${what} number "${raw}" may hold only letters and digits`);
  if (id.length < 5 || id.length > 20) return refused(`${what} number "${raw}" must have 5 to 20 letters and digits, it has ${id.length}`);
  if (country && !/^[A-Z]{2}$/.test(country)) return refused(`"${country}" is not an ISO 3166-1 alpha-2 country code`);
  if (country && patterns[country]) {
    const { pattern, shape } = patterns[country];
    if (!pattern.test(id)) return refused(`"${raw}" is not a ${country} ${what} number: expected ${shape}`);
    const extra = extraCheck?.(country, id);
    if (extra) return refused(extra);
  }
  return ok(country ? `${country}:${id}` : id, country);
}

export function normalisePassport(raw: string, options: NormaliseOptions = {}): NormaliseResult {
  return normaliseDocumentNumber(raw, options, 'passport', PASSPORT_PATTERNS);
}

export function normaliseNationalId(raw: string, options: NormaliseOptions = {}): NormaliseResult {
  return normaliseDocumentNumber(raw, options, 'national ID', NATIONAL_ID_PATTERNS, (country, id) =>
    country === 'ES' ? checkSpanishId(id) : undefined,
  );
}
