import { IdentifierNormaliser } from '@vigie/ontology-contracts';
import { normaliseNationalId, normalisePassport } from './document-number.normaliser';
import { normaliseEmail } from './email.normaliser';
import { normaliseIban } from './iban.normaliser';
import { normaliseHash, normaliseGeneric, normaliseStixId } from './misc.normaliser';
import { normaliseDomain, normaliseIp, normaliseIpv4, normaliseIpv6, normaliseUrl } from './network.normaliser';
import { NormaliseOptions, NormaliseResult } from './normaliser.types';
import { normalisePhone } from './phone.normaliser';
import { normaliseImei, normaliseLicencePlate, normaliseVin } from './vehicle.normaliser';

export const NORMALISERS: Readonly<Record<IdentifierNormaliser, (raw: string, options: NormaliseOptions) => NormaliseResult>> = {
  phone: normalisePhone,
  email: normaliseEmail,
  iban: normaliseIban,
  passport: normalisePassport,
  'national-id': normaliseNationalId,
  'licence-plate': normaliseLicencePlate,
  vin: normaliseVin,
  imei: normaliseImei,
  ipv4: normaliseIpv4,
  ipv6: normaliseIpv6,
  ip: normaliseIp,
  domain: normaliseDomain,
  url: normaliseUrl,
  hash: normaliseHash,
  'stix-id': normaliseStixId,
  generic: normaliseGeneric,
};

/** Normalises one identifier with the named normaliser. */
export function normaliseIdentifier(normaliser: IdentifierNormaliser, raw: string, options: NormaliseOptions = {}): NormaliseResult {
  const fn = NORMALISERS[normaliser];
  if (!fn) return { ok: false, reason: `unknown identifier normaliser "${String(normaliser)}"` };
  return fn(raw, options);
}

/**
 * Deterministic entity-resolution key of a normalised identifier: `<normaliser>:<value>`.
 * Two records with the same key carry the same identifier.
 */
export function identityKey(normaliser: IdentifierNormaliser, normalisedValue: string): string {
  return `${normaliser}:${normalisedValue}`;
}
