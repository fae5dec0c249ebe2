import { AuditExceptionCode } from '@vigie/audit-contracts';
import { generateSigningKeyPair } from '@vigie/audit-chain';
import { loadAuditKeys } from './audit-keys';

describe('loadAuditKeys', () => {
  it('refuses to run without a signing key, saying how to make one', () => {
    expect(() => loadAuditKeys(undefined)).toThrow(expect.objectContaining({ code: AuditExceptionCode.SigningKeyMissing, message: expect.stringMatching(/AUDIT_SIGNING_KEY.*openssl genpkey/) }));
  });

  it('refuses a key that is not an Ed25519 PKCS#8 PEM', () => {
    expect(() => loadAuditKeys('not a pem')).toThrow(expect.objectContaining({ code: AuditExceptionCode.InvalidKey }));
  });

  it('accepts a PEM with escaped line breaks and trusts the active and retired keys only', () => {
    const active = generateSigningKeyPair();
    const old = generateSigningKeyPair();
    const ring = loadAuditKeys(active.privateKeyPem.replace(/\n/g, '\\n'), old.publicKeyPem);
    expect(ring.signing.keyId).toBe(active.keyId);
    expect(ring.trusted.map((k) => k.keyId)).toEqual([active.keyId, old.keyId]);
    expect(ring.retired.map((k) => k.keyId)).toEqual([old.keyId]);
  });

  it('refuses retired keys that hold no public key', () => {
    expect(() => loadAuditKeys(generateSigningKeyPair().privateKeyPem, 'garbage')).toThrow(/AUDIT_RETIRED_PUBLIC_KEYS/);
  });
});
