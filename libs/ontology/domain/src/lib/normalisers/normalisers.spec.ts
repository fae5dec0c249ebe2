import { formatIban } from './iban.normaliser';
import { identityKey, normaliseIdentifier } from './identifier.normaliser';
import { NormaliseOptions } from './normaliser.types';
import { IdentifierNormaliser } from '@vigie/ontology-contracts';

function valid(normaliser: IdentifierNormaliser, raw: string, options: NormaliseOptions = {}): string {
  const r = normaliseIdentifier(normaliser, raw, options);
  if (!r.ok) throw new Error(`expected ${normaliser} "${raw}" to be valid, got: ${r.reason}`);
  return r.value;
}

function reason(normaliser: IdentifierNormaliser, raw: string, options: NormaliseOptions = {}): string {
  const r = normaliseIdentifier(normaliser, raw, options);
  if (r.ok) throw new Error(`expected ${normaliser} "${raw}" to be refused, got ${r.value}`);
  return r.reason;
}

describe('identifier normalisers', () => {
  describe('phone (E.164, default region FR)', () => {
    it('normalises French national, international and 00-prefixed forms to one E.164 number', () => {
      expect(valid('phone', '06 12 34 56 78')).toBe('+33612345678');
      expect(valid('phone', '+33 6 12 34 56 78')).toBe('+33612345678');
      expect(valid('phone', '0033612345678')).toBe('+33612345678');
      expect(valid('phone', '06.12.34.56.78')).toBe('+33612345678');
    });
    it('uses the given default region and keeps explicit country codes', () => {
      expect(valid('phone', '(202) 456-1111', { defaultCountry: 'US' })).toBe('+12024561111');
      expect(valid('phone', '+49 30 901820')).toBe('+4930901820');
    });
    it('refuses numbers that are too short, contain letters or do not exist', () => {
      expect(reason('phone', '06 12 34')).toMatch(/not a valid phone number|not a phone number/);
      expect(reason('phone', '06 12 AB 56 78')).toMatch(/letters/);
      expect(reason('phone', '')).toMatch(/empty/);
    });
  });

  describe('email', () => {
    it('trims, lowercases and strips display names and mailto:', () => {
      expect(valid('email', '  Jean.Dupont@Exemple.FR ')).toBe('jean.dupont@exemple.fr');
      expect(valid('email', 'Jean Dupont <jean@exemple.fr>')).toBe('jean@exemple.fr');
      expect(valid('email', 'mailto:jean@exemple.fr')).toBe('jean@exemple.fr');
    });
    it('puts internationalised domains in punycode', () => {
      expect(valid('email', 'hans@bücher.de')).toBe('hans@xn--bcher-kva.de');
    });
    it('refuses addresses without a local part, a domain or a dot in the domain', () => {
      expect(reason('email', 'jean@')).toMatch(/needs one "@"/);
      expect(reason('email', '@exemple.fr')).toMatch(/needs one "@"/);
      expect(reason('email', 'jean@localhost')).toMatch(/domain .* invalid/);
      expect(reason('email', 'je an@exemple.fr')).toMatch(/local part/);
    });
  });

  describe('IBAN', () => {
    it('accepts valid IBANs in any spacing and returns the electronic form', () => {
      expect(valid('iban', 'fr76 3000 6000 0112 3456 7890 189')).toBe('FR7630006000011234567890189');
      expect(valid('iban', 'GB82 WEST 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
      expect(valid('iban', 'IBAN DE89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
      expect(formatIban('FR7630006000011234567890189')).toBe('FR76 3000 6000 0112 3456 7890 189');
    });
    it('refuses a wrong checksum, a wrong length and an unknown country, saying which', () => {
      expect(reason('iban', 'FR7630006000011234567890188')).toMatch(/mod-97/);
      expect(reason('iban', 'FR763000600001123456789018')).toMatch(/27 characters/);
      expect(reason('iban', 'ZZ7630006000011234567890189')).toMatch(/not a country/);
      expect(reason('iban', '30006000011234567890189')).toMatch(/country code/);
    });
  });

  describe('passport and national ID', () => {
    it('checks French passports and prefixes the country', () => {
      expect(valid('passport', '12 ab 34567', { defaultCountry: 'FR' })).toBe('FR:12AB34567');
      expect(reason('passport', '1234567AB', { defaultCountry: 'FR' })).toMatch(/2 digits, 2 letters, 5 digits/);
    });
    it('reads an explicit CC: prefix, and keeps unknown-country numbers as they are', () => {
      expect(valid('passport', 'de:C01X00T47')).toBe('DE:C01X00T47');
      expect(valid('passport', 'ab-123456')).toBe('AB123456');
      expect(reason('passport', 'AB#12345')).toMatch(/only letters and digits/);
      expect(reason('passport', 'A1')).toMatch(/5 to 20/);
    });
    it('checks French identity cards (old and CNIe) and Spanish DNI control letters', () => {
      expect(valid('national-id', '8806 923 10285', { defaultCountry: 'FR' })).toBe('FR:880692310285');
      expect(valid('national-id', 'X4RTBPFW4', { defaultCountry: 'FR' })).toBe('FR:X4RTBPFW4');
      expect(reason('national-id', '1234', { defaultCountry: 'FR' })).toMatch(/5 to 20/);
      expect(valid('national-id', 'ES:12345678-Z')).toBe('ES:12345678Z');
      expect(reason('national-id', 'ES:12345678A')).toMatch(/control letter/);
    });
  });

  describe('licence plates, VIN, IMEI', () => {
    it('formats French SIV and FNI plates', () => {
      expect(valid('licence-plate', 'ab 123 cd')).toBe('AB-123-CD');
      expect(valid('licence-plate', 'AB123CD')).toBe('AB-123-CD');
      expect(valid('licence-plate', '1234 ab 75')).toBe('1234 AB 75');
      expect(valid('licence-plate', '123-ABC-2A')).toBe('123 ABC 2A');
    });
    it('refuses impossible French plates and keeps foreign ones with their country', () => {
      expect(reason('licence-plate', 'AI-123-OU', { defaultCountry: 'FR' })).toMatch(/not a French plate/);
      expect(valid('licence-plate', 'DE:B MW 1234')).toBe('DE:BMW1234');
      expect(reason('licence-plate', 'AB*12')).toMatch(/only letters, digits/);
    });
    it('validates VINs and reports the check digit', () => {
      const r = normaliseIdentifier('vin', '1m8gdm9axkp042788');
      expect(r).toEqual({ ok: true, value: '1M8GDM9AXKP042788', detail: 'check-digit-valid' });
      expect(reason('vin', '1M8GDM9AXKP04278')).toMatch(/17 characters/);
      expect(reason('vin', '1M8GDM9AXKP04278O')).toMatch(/never holds/);
    });
    it('validates IMEIs with the Luhn check', () => {
      expect(valid('imei', '49-015420-323751-8')).toBe('490154203237518');
      expect(reason('imei', '490154203237519')).toMatch(/Luhn/);
      expect(reason('imei', '4901542032')).toMatch(/15 digits/);
    });
  });

  describe('network identifiers', () => {
    it('normalises IPv4 and refuses ambiguous or out-of-range addresses', () => {
      expect(valid('ipv4', ' 192.168.1.1 ')).toBe('192.168.1.1');
      expect(valid('ipv4', '8.8.8[.]8')).toBe('8.8.8.8');
      expect(reason('ipv4', '192.168.001.1')).toMatch(/leading zero/);
      expect(reason('ipv4', '256.1.1.1')).toMatch(/above 255/);
      expect(reason('ipv4', '1.2.3')).toMatch(/four/);
    });
    it('writes IPv6 in RFC 5952 form', () => {
      expect(valid('ipv6', '2001:0DB8:0000:0000:0000:ff00:0042:8329')).toBe('2001:db8::ff00:42:8329');
      expect(valid('ipv6', '2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
      expect(valid('ipv6', '::1')).toBe('::1');
      expect(valid('ipv6', '::FFFF:192.0.2.1')).toBe('::ffff:192.0.2.1');
      expect(valid('ipv6', '[fe80::1%eth0]')).toBe('fe80::1');
      expect(reason('ipv6', '2001:db8::1::1')).toMatch(/only once/);
      expect(reason('ipv6', '2001:db8:g::1')).toMatch(/hexadecimal/);
      expect(reason('ipv6', '1:2:3:4:5:6:7')).toMatch(/8 groups/);
    });
    it('tells which version an ip is', () => {
      expect(normaliseIdentifier('ip', '10.0.0.1')).toEqual({ ok: true, value: '10.0.0.1', detail: 'ipv4' });
      expect(normaliseIdentifier('ip', 'FE80::0001')).toEqual({ ok: true, value: 'fe80::1', detail: 'ipv6' });
    });
    it('normalises domains (case, trailing dot, IDN, defanged) and refuses non-domains', () => {
      expect(valid('domain', 'WWW.Example.COM.')).toBe('www.example.com');
      expect(valid('domain', 'bücher.de')).toBe('xn--bcher-kva.de');
      expect(valid('domain', 'evil[.]com')).toBe('evil.com');
      expect(reason('domain', 'localhost')).toMatch(/needs a dot/);
      expect(reason('domain', '-bad.com')).toMatch(/not starting or ending/);
      expect(reason('domain', 'a b.com')).toMatch(/spaces/);
      expect(reason('domain', '1.2.3.4')).toMatch(/IP address/);
    });
    it('normalises URLs and refuses relative ones', () => {
      expect(valid('url', 'HTTP://Example.COM:80/a?b#c')).toBe('http://example.com/a?b#c');
      expect(valid('url', 'hxxps://evil[.]com/x')).toBe('https://evil.com/x');
      expect(reason('url', 'example.com/x')).toMatch(/absolute URL/);
      expect(reason('url', 'http://')).toMatch(/not a valid URL|no host/);
    });
  });

  describe('hashes, STIX ids, generic identifiers', () => {
    it('lowercases hashes and names the algorithm', () => {
      expect(normaliseIdentifier('hash', 'D41D8CD98F00B204E9800998ECF8427E')).toEqual({ ok: true, value: 'd41d8cd98f00b204e9800998ecf8427e', detail: 'md5' });
      const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
      expect(normaliseIdentifier('hash', `SHA-256:${sha}`)).toEqual({ ok: true, value: sha, detail: 'sha256' });
      expect(reason('hash', `md5:${sha}`)).toMatch(/length of sha256/);
      expect(reason('hash', 'abc123')).toMatch(/no known algorithm/);
      expect(reason('hash', 'not-hex')).toMatch(/hexadecimal/);
    });
    it('checks STIX identifiers', () => {
      expect(valid('stix-id', 'Indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F')).toBe('indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f');
      expect(reason('stix-id', 'indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f')).toMatch(/STIX identifier/);
    });
    it('trims generic identifiers and refuses empty ones', () => {
      expect(valid('generic', '  RCS  Paris   123 ')).toBe('RCS Paris 123');
      expect(reason('generic', '   ')).toMatch(/empty/);
    });
    it('refuses an unknown normaliser and derives identity keys', () => {
      expect(normaliseIdentifier('fax' as IdentifierNormaliser, '1')).toEqual({ ok: false, reason: 'unknown identifier normaliser "fax"' });
      expect(identityKey('passport', 'FR:12AB34567')).toBe('passport:FR:12AB34567');
    });
  });
});
