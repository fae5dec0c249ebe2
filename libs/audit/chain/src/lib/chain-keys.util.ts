import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { AuditException, AuditExceptionCode } from '@vigie/audit-contracts';
import { sha256Hex } from './chain-hash.util';

/** The service's checkpoint signing key (from config / a Kubernetes secret). */
export interface AuditSigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
}

/** A trusted public key that verifies checkpoint signatures. */
export interface AuditVerificationKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
}

/** What callers may pass as trusted keys: an SPKI PEM, a public KeyObject, or a loaded key. */
export type PublicKeyInput = string | Buffer | KeyObject | AuditVerificationKey;

/** Key id: SHA-256 (lowercase hex) of the DER SubjectPublicKeyInfo — `openssl pkey -pubin -outform DER | sha256sum`. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

function publicPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

function requireEd25519(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditException(AuditExceptionCode.InvalidKey, `${what} is an ${key.asymmetricKeyType ?? 'unknown'} key, expected Ed25519`);
  }
}

function pemText(pem: string | Buffer): string {
  return Buffer.isBuffer(pem) ? pem.toString('utf8') : pem;
}

/** Loads a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) Ed25519 private key. */
export function loadSigningKey(pem: string | Buffer): AuditSigningKey {
  const text = pemText(pem);
  if (!text.includes('-----BEGIN PRIVATE KEY-----')) {
    throw new AuditException(
      AuditExceptionCode.InvalidKey,
      'Audit signing key must be an unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), e.g. from `openssl genpkey -algorithm ed25519`',
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    throw new AuditException(AuditExceptionCode.InvalidKey, `Audit signing key is not a readable PEM: ${(error as Error).message}`);
  }
  requireEd25519(privateKey, 'Audit signing key');
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey, publicKeyPem: publicPem(publicKey) };
}

/** Loads an SPKI PEM (`-----BEGIN PUBLIC KEY-----`) Ed25519 public key, or wraps a public KeyObject. */
export function loadVerificationKey(input: PublicKeyInput): AuditVerificationKey {
  if (typeof input === 'object' && !Buffer.isBuffer(input) && 'keyId' in input) return input;
  let publicKey: KeyObject;
  if (input instanceof KeyObject) {
    if (input.type !== 'public') {
      throw new AuditException(AuditExceptionCode.InvalidKey, `Verification key must be a public key, got a ${input.type} key`);
    }
    publicKey = input;
  } else {
    const text = pemText(input);
    if (!text.includes('-----BEGIN PUBLIC KEY-----')) {
      throw new AuditException(
        AuditExceptionCode.InvalidKey,
        'Verification key must be an SPKI PEM ("-----BEGIN PUBLIC KEY-----"), e.g. from `openssl pkey -pubout`',
      );
    }
    try {
      publicKey = createPublicKey({ key: text, format: 'pem' });
    } catch (error) {
      throw new AuditException(AuditExceptionCode.InvalidKey, `Verification key is not a readable PEM: ${(error as Error).message}`);
    }
  }
  requireEd25519(publicKey, 'Verification key');
  return { keyId: keyIdOf(publicKey), publicKey, publicKeyPem: publicPem(publicKey) };
}

/** Trusted keys by key id. */
export function toKeyRing(keys: PublicKeyInput | readonly PublicKeyInput[]): Map<string, AuditVerificationKey> {
  const list = Array.isArray(keys) ? keys : [keys as PublicKeyInput];
  const ring = new Map<string, AuditVerificationKey>();
  for (const key of list) {
    const loaded = loadVerificationKey(key);
    ring.set(loaded.keyId, loaded);
  }
  return ring;
}

/** A fresh key pair, for development and tests. Production keys come from a secret. */
export function generateSigningKeyPair(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicPem(publicKey),
    keyId: keyIdOf(publicKey),
  };
}
