import { sign, verify } from 'node:crypto';
import { AuditException, AuditExceptionCode, CheckpointKind } from '@vigie/audit-contracts';
import { canonicalize } from './canonical-json.util';
import { CHECKPOINT_STATEMENT_TAG } from './chain-hash.util';
import { AuditSigningKey, AuditVerificationKey } from './chain-keys.util';

/** A signed statement that the tenant's chain had `hash` at `seq`. */
export interface Checkpoint {
  readonly tenant: string;
  readonly seq: number;
  readonly hash: string;
  /** When it was signed, ISO 8601 UTC. */
  readonly time: string;
  readonly kind: CheckpointKind;
  readonly keyId: string;
  /** Standard base64 of the 64-byte Ed25519 signature over `checkpointStatement`. */
  readonly signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

const HASH = /^[0-9a-f]{64}$/;

/** The exact signed bytes: `"vigie.audit.checkpoint.v1\n" + JCS({hash, keyId, kind, seq, tenant, time})`. */
export function checkpointStatement(checkpoint: UnsignedCheckpoint): string {
  const { tenant, seq, hash, time, kind, keyId } = checkpoint;
  return `${CHECKPOINT_STATEMENT_TAG}\n${canonicalize({ tenant, seq, hash, time, kind, keyId })}`;
}

function isoUtc(time: string | Date | undefined): string {
  const date = time === undefined ? new Date() : new Date(time);
  if (Number.isNaN(date.getTime())) {
    throw new AuditException(AuditExceptionCode.InvalidCheckpoint, `Checkpoint time "${String(time)}" is not a date`);
  }
  return date.toISOString();
}

/** Signs a checkpoint of `head` (the record at `seq` has `hash`). `kind` defaults to `periodic`. */
export function signCheckpoint(
  head: { tenant: string; seq: number; hash: string },
  key: AuditSigningKey,
  options: { time?: string | Date; kind?: CheckpointKind } = {},
): Checkpoint {
  if (!Number.isSafeInteger(head.seq) || head.seq < 1) {
    throw new AuditException(AuditExceptionCode.InvalidCheckpoint, `Checkpoint seq must be a positive integer, got ${head.seq}`);
  }
  if (!HASH.test(head.hash)) {
    throw new AuditException(AuditExceptionCode.InvalidCheckpoint, 'Checkpoint hash must be 64 lowercase hex digits');
  }
  const unsigned: UnsignedCheckpoint = {
    tenant: head.tenant,
    seq: head.seq,
    hash: head.hash,
    time: isoUtc(options.time),
    kind: options.kind ?? 'periodic',
    keyId: key.keyId,
  };
  const signature = sign(null, Buffer.from(checkpointStatement(unsigned), 'utf8'), key.privateKey).toString('base64');
  return { ...unsigned, signature };
}

export interface CheckpointSignatureCheck {
  readonly keyKnown: boolean;
  readonly signatureValid: boolean;
}

/** Checks the signature with the trusted key named by `keyId`; an unknown key never verifies. */
export function verifyCheckpointSignature(
  checkpoint: Checkpoint,
  keys: ReadonlyMap<string, AuditVerificationKey>,
): CheckpointSignatureCheck {
  const key = keys.get(checkpoint.keyId);
  if (!key) return { keyKnown: false, signatureValid: false };
  const signature = Buffer.from(checkpoint.signature, 'base64');
  if (signature.length !== 64 || signature.toString('base64') !== checkpoint.signature) {
    return { keyKnown: true, signatureValid: false };
  }
  let valid = false;
  try {
    valid = verify(null, Buffer.from(checkpointStatement(checkpoint), 'utf8'), key.publicKey, signature);
  } catch {
    valid = false;
  }
  return { keyKnown: true, signatureValid: valid };
}

/** When to sign the next periodic checkpoint: every `everyRecords` records or `everySeconds` seconds. */
export interface CheckpointPolicy {
  readonly everyRecords: number;
  readonly everySeconds: number;
}

/**
 * True when a periodic checkpoint is due for `head`: there are records not yet covered, and
 * either `everyRecords` of them or `everySeconds` have passed since the last checkpoint (or
 * there is none yet). The service calls it after each appended batch and on a timer.
 */
export function checkpointDue(
  policy: CheckpointPolicy,
  head: { seq: number },
  last: { seq: number; time: string } | null,
  now: Date = new Date(),
): boolean {
  if (!(policy.everyRecords >= 1) || !(policy.everySeconds > 0)) {
    throw new AuditException(AuditExceptionCode.InvalidRange, 'Checkpoint policy needs everyRecords ≥ 1 and everySeconds > 0');
  }
  const coveredSeq = last?.seq ?? 0;
  if (head.seq <= coveredSeq) return false;
  if (!last) return true;
  return head.seq - coveredSeq >= policy.everyRecords || (now.getTime() - Date.parse(last.time)) / 1000 >= policy.everySeconds;
}
