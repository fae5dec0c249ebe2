import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { AuditExceptionCode } from '@vigie/audit-contracts';
import { keyIdOf, loadSigningKey, loadVerificationKey, toKeyRing } from './chain-keys.util';
import { checkpointDue, checkpointStatement, signCheckpoint, verifyCheckpointSignature } from './checkpoint.util';
import { otherKey, signingKey, TENANT } from './chain-fixtures.spec-helper';

const HEAD = { tenant: TENANT, seq: 42, hash: 'ab'.repeat(32) };
const TIME = '2025-03-01T10:00:00.000Z';

describe('keys', () => {
  it('identifies a key by the SHA-256 of its DER SubjectPublicKeyInfo', () => {
    const der = signingKey.publicKey.export({ type: 'spki', format: 'der' });
    expect(signingKey.keyId).toBe(createHash('sha256').update(der).digest('hex'));
    expect(loadVerificationKey(signingKey.publicKeyPem).keyId).toBe(signingKey.keyId);
    expect(keyIdOf(signingKey.publicKey)).toBe(signingKey.keyId);
    expect(otherKey.keyId).not.toBe(signingKey.keyId);
  });

  it('refuses the wrong kind of PEM, naming what is expected', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => loadSigningKey(signingKey.publicKeyPem)).toThrow(/PKCS#8 PEM/);
    expect(() => loadSigningKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(/rsa key, expected Ed25519/);
    expect(() => loadSigningKey('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----')).toThrow(
      expect.objectContaining({ code: AuditExceptionCode.InvalidKey }),
    );
    expect(() => loadVerificationKey(signingKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(/SPKI PEM/);
    expect(() => loadVerificationKey(rsa.publicKey)).toThrow(/expected Ed25519/);
    expect(() => loadVerificationKey(signingKey.privateKey)).toThrow(/must be a public key/);
  });

  it('builds a key ring from PEMs, key objects and loaded keys', () => {
    const ring = toKeyRing([signingKey.publicKeyPem, otherKey.publicKey, loadVerificationKey(signingKey.publicKeyPem)]);
    expect([...ring.keys()].sort()).toEqual([signingKey.keyId, otherKey.keyId].sort());
  });
});

describe('checkpoints', () => {
  it('signs the exact statement with Ed25519', () => {
    const cp = signCheckpoint(HEAD, signingKey, { time: TIME });
    expect(cp).toMatchObject({ ...HEAD, time: TIME, kind: 'periodic', keyId: signingKey.keyId });
    const statement =
      'vigie.audit.checkpoint.v1\n' +
      `{"hash":"${HEAD.hash}","keyId":"${signingKey.keyId}","kind":"periodic","seq":42,"tenant":"${TENANT}","time":"${TIME}"}`;
    expect(checkpointStatement(cp)).toBe(statement);
    expect(verify(null, Buffer.from(statement), signingKey.publicKey, Buffer.from(cp.signature, 'base64'))).toBe(true);
    expect(verifyCheckpointSignature(cp, toKeyRing(signingKey.publicKeyPem))).toEqual({ keyKnown: true, signatureValid: true });
  });

  it.each([
    ['seq', { seq: 43 }],
    ['hash', { hash: 'cd'.repeat(32) }],
    ['tenant', { tenant: 'other' }],
    ['time', { time: '2025-03-01T10:00:01.000Z' }],
    ['kind', { kind: 'anchor' as const }],
  ])('no longer verifies once its %s is changed', (_field, patch) => {
    const cp = { ...signCheckpoint(HEAD, signingKey, { time: TIME }), ...patch };
    expect(verifyCheckpointSignature(cp, toKeyRing(signingKey.publicKeyPem)).signatureValid).toBe(false);
  });

  it('does not verify under another key, nor with a mangled signature', () => {
    const cp = signCheckpoint(HEAD, signingKey, { time: TIME });
    expect(verifyCheckpointSignature(cp, toKeyRing(otherKey.publicKeyPem))).toEqual({ keyKnown: false, signatureValid: false });
    const forged = { ...cp, keyId: otherKey.keyId };
    expect(verifyCheckpointSignature(forged, toKeyRing(otherKey.publicKeyPem))).toEqual({ keyKnown: true, signatureValid: false });
    const bytes = Buffer.from(cp.signature, 'base64');
    bytes[63] ^= 0x01;
    const mangled = { ...cp, signature: bytes.toString('base64') };
    expect(verifyCheckpointSignature(mangled, toKeyRing(signingKey.publicKeyPem)).signatureValid).toBe(false);
    expect(verifyCheckpointSignature({ ...cp, signature: 'abc' }, toKeyRing(signingKey.publicKeyPem)).signatureValid).toBe(false);
  });

  it('refuses to sign nonsense', () => {
    expect(() => signCheckpoint({ ...HEAD, seq: 0 }, signingKey)).toThrow(/positive integer/);
    expect(() => signCheckpoint({ ...HEAD, hash: 'XYZ' }, signingKey)).toThrow(/64 lowercase hex/);
    expect(() => signCheckpoint(HEAD, signingKey, { time: 'soon' })).toThrow(/not a date/);
  });

  it('is due every N records or T seconds, and never without new records', () => {
    const policy = { everyRecords: 100, everySeconds: 60 };
    const now = new Date('2025-03-01T10:00:30.000Z');
    expect(checkpointDue(policy, { seq: 0 }, null, now)).toBe(false);
    expect(checkpointDue(policy, { seq: 1 }, null, now)).toBe(true);
    expect(checkpointDue(policy, { seq: 150 }, { seq: 100, time: TIME }, now)).toBe(false);
    expect(checkpointDue(policy, { seq: 200 }, { seq: 100, time: TIME }, now)).toBe(true);
    expect(checkpointDue(policy, { seq: 101 }, { seq: 100, time: TIME }, new Date('2025-03-01T10:01:00.000Z'))).toBe(true);
    expect(checkpointDue(policy, { seq: 100 }, { seq: 100, time: TIME }, new Date('2025-03-02T00:00:00.000Z'))).toBe(false);
    expect(() => checkpointDue({ everyRecords: 0, everySeconds: 1 }, { seq: 1 }, null)).toThrow(/everyRecords/);
  });
});
