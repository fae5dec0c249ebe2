import { NormaliseResult, ok, refused } from './normaliser.types';

const HASH_LENGTHS: Readonly<Record<number, string>> = { 32: 'md5', 40: 'sha1', 56: 'sha224', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

/** Cryptographic hashes: lowercase hexadecimal; the algorithm (from the length, or an `algo:` prefix) is the detail. */
export function normaliseHash(raw: string): NormaliseResult {
  const m = /^\s*(?:([a-z0-9-]+)\s*[:=]\s*)?([0-9a-f]+)\s*$/i.exec(raw);
  if (!m) return refused(`"${raw}" is not a hexadecimal hash`);
  const hex = m[2].toLowerCase();
  const byLength = HASH_LENGTHS[hex.length];
  if (!byLength) return refused(`a hash of ${hex.length} hexadecimal digits matches no known algorithm (MD5 32, SHA-1 40, SHA-256 64, SHA-512 128)`);
  const stated = m[1]?.toLowerCase().replace('-', '');
  if (stated && stated !== byLength && !(stated.startsWith('sha3') && byLength.startsWith('sha'))) {
    return refused(`"${raw}" is said to be ${m[1]} but has the length of ${byLength}`);
  }
  return ok(hex, stated ?? byLength);
}

/** STIX 2.1 identifiers: `<object-type>--<UUID>`, lowercase. */
export function normaliseStixId(raw: string): NormaliseResult {
  const id = raw.trim().toLowerCase();
  if (!/^[a-z][a-z0-9-]*[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    return refused(`"${raw}" is not a STIX identifier (<type>--<uuid>, e.g. indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f)`);
  }
  return ok(id, id.slice(0, id.indexOf('--')));
}

/** Any other identifier: trimmed, inner whitespace collapsed, compatibility characters folded (NFKC). */
export function normaliseGeneric(raw: string): NormaliseResult {
  const value = raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!value) return refused('identifier is empty');
  if (value.length > 500) return refused('identifier is longer than 500 characters');
  return ok(value);
}
