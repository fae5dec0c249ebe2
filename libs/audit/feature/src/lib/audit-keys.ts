import { AuditException, AuditExceptionCode } from '@vigie/audit-contracts';
import { AuditSigningKey, AuditVerificationKey, loadSigningKey, loadVerificationKey } from '@vigie/audit-chain';

/** The key that signs checkpoints and every key that verifies them (active first). */
export interface AuditKeyRing {
  readonly signing: AuditSigningKey;
  readonly retired: readonly AuditVerificationKey[];
  /** Active + retired: the only keys verification trusts (never keys found in the database). */
  readonly trusted: readonly AuditVerificationKey[];
}

export const AUDIT_KEYS = Symbol('AUDIT_KEYS');

/** PEMs from an environment variable may carry literal "\n" instead of line breaks. */
function pemText(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

/**
 * Loads the signing key. Always required (also in development: the local launcher generates one
 * into `.vigie/`): an audit log whose checkpoints are signed by a throw-away key proves nothing.
 */
export function loadAuditKeys(signingPem: string | undefined, retiredPems?: string): AuditKeyRing {
  if (!signingPem) {
    throw new AuditException(
      AuditExceptionCode.SigningKeyMissing,
      'AUDIT_SIGNING_KEY is not set: the audit service needs an Ed25519 private key (PKCS#8 PEM, `openssl genpkey -algorithm ed25519`) to sign checkpoints',
    );
  }
  const signing = loadSigningKey(pemText(signingPem));
  const retired = (retiredPems ? pemText(retiredPems).match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [] : [])
    .map((pem) => loadVerificationKey(pem))
    .filter((k) => k.keyId !== signing.keyId);
  if (retiredPems && retired.length === 0 && !retiredPems.includes(signing.publicKeyPem.trim())) {
    throw new AuditException(AuditExceptionCode.InvalidKey, 'AUDIT_RETIRED_PUBLIC_KEYS holds no SPKI PEM public key ("-----BEGIN PUBLIC KEY-----")');
  }
  const active: AuditVerificationKey = { keyId: signing.keyId, publicKey: signing.publicKey, publicKeyPem: signing.publicKeyPem };
  return { signing, retired, trusted: [active, ...retired] };
}
