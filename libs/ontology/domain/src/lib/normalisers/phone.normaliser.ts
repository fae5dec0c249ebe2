import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { NormaliseOptions, NormaliseResult, ok, refused } from './normaliser.types';

/** Phone numbers to E.164 (`+33612345678`), validated against the numbering plan; default region FR. */
export function normalisePhone(raw: string, options: NormaliseOptions = {}): NormaliseResult {
  const input = raw.normalize('NFKC').trim();
  if (!input) return refused('phone number is empty');
  if (/[a-z]/i.test(input.replace(/^tel:/i, '').replace(/\s*(ext\.?|x|poste)\s*\d+$/i, ''))) {
    return refused(`phone number "${raw}" contains letters`);
  }
  const region = (options.defaultCountry ?? 'FR').toUpperCase() as CountryCode;
  const parsed = parsePhoneNumberFromString(input.replace(/^tel:/i, ''), region);
  if (!parsed) return refused(`"${raw}" is not a phone number (default region ${region})`);
  if (!parsed.isValid()) {
    return refused(`"${raw}" is not a valid phone number for ${parsed.country ?? `calling code +${parsed.countryCallingCode}`}`);
  }
  return ok(parsed.number, parsed.getType()?.toLowerCase());
}
