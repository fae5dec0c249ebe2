import { compactUpper, NormaliseOptions, NormaliseResult, ok, refused, splitCountryPrefix } from './normaliser.types';

// SIV (since 2009): AA-123-AA, letters other than I, O and U.
const SIV = /^([A-HJ-NP-TV-Z]{2})([0-9]{3})([A-HJ-NP-TV-Z]{2})$/;
// FNI (1950-2009): 1-4 digits, 1-3 letters, département (2 digits, 2A/2B, or 97x overseas).
const FNI = /^([0-9]{1,4})([A-Z]{1,3})([0-9]{2}|2A|2B|97[1-6])$/;

/**
 * Licence plates. French plates are recognised and printed in their official form
 * (`AB-123-CD`, `1234 AB 75`); other plates are kept as uppercase letters and digits, with a
 * `CC:` prefix when the country is given.
 */
export function normaliseLicencePlate(raw: string, options: NormaliseOptions = {}): NormaliseResult {
  const { country: prefixed, rest } = splitCountryPrefix(raw);
  const country = prefixed ?? options.defaultCountry?.toUpperCase();
  const plate = compactUpper(rest);
  if (!plate) return refused('licence plate is empty');
  if (!/^[A-Z0-9]+$/.test(plate)) return refused(`licence plate "${raw}" may hold only letters, digits and separators`);
  if (!country || country === 'FR') {
    const siv = SIV.exec(plate);
    if (siv) return ok(`${siv[1]}-${siv[2]}-${siv[3]}`, 'fr-siv');
    const fni = FNI.exec(plate);
    if (fni) return ok(`${fni[1]} ${fni[2]} ${fni[3]}`, 'fr-fni');
    if (country === 'FR') return refused(`"${raw}" is not a French plate: expected AA-123-AA (SIV) or 1234 AB 75 (FNI)`);
  }
  if (plate.length < 2 || plate.length > 12) return refused(`licence plate "${raw}" must have 2 to 12 letters and digits`);
  return ok(country ? `${country}:${plate}` : plate, 'generic');
}

const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_VALUES: Readonly<Record<string, number>> = Object.fromEntries(
  [...'0123456789'].map((d, i) => [d, i] as const).concat(
    [...'ABCDEFGH'].map((c, i) => [c, i + 1] as const),
    [...'JKLMN'].map((c, i) => [c, i + 1] as const),
    [['P', 7], ['R', 9]],
    [...'STUVWXYZ'].map((c, i) => [c, i + 2] as const),
  ),
);

/** Vehicle identification numbers: 17 characters without I, O, Q. The North-American check digit is reported, not required. */
export function normaliseVin(raw: string): NormaliseResult {
  const vin = compactUpper(raw);
  if (!vin) return refused('VIN is empty');
  if (vin.length !== 17) return refused(`a VIN has 17 characters, "${raw}" has ${vin.length}`);
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin)) return refused(`VIN "${raw}" has characters a VIN never holds (I, O, Q or punctuation)`);
  const sum = [...vin].reduce((acc, ch, i) => acc + VIN_VALUES[ch] * VIN_WEIGHTS[i], 0);
  const check = sum % 11 === 10 ? 'X' : String(sum % 11);
  return ok(vin, check === vin[8] ? 'check-digit-valid' : 'no-check-digit');
}

/** IMEI: 15 digits with a Luhn check digit (separators dropped). */
export function normaliseImei(raw: string): NormaliseResult {
  const imei = raw.replace(/[\s.\-/]+/g, '');
  if (!/^[0-9]{15}$/.test(imei)) return refused(`an IMEI has 15 digits, "${raw}" does not`);
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let d = imei.charCodeAt(i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0 ? ok(imei) : refused(`the check digit of IMEI "${raw}" is wrong (Luhn)`);
}
