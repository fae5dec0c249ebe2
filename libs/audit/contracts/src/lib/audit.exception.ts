import { ErrorKind, VigieException } from '@vigie/shared-contracts';

/** Error codes of the audit domain (service, chain library and CLI). */
export enum AuditExceptionCode {
  /** An audit event does not satisfy `auditEventSchema`. */
  InvalidEvent = 'AUDIT_INVALID_EVENT',
  /** An event or record of one tenant was handed to another tenant's chain. */
  TenantMismatch = 'AUDIT_TENANT_MISMATCH',
  /** A value cannot be written as RFC 8785 canonical JSON (NaN, a Date, a cycle, a lone surrogate…). */
  NotCanonicalizable = 'AUDIT_NOT_CANONICALIZABLE',
  /** A chain record or checkpoint is malformed (missing field, bad hash, seq not a positive integer). */
  InvalidRecord = 'AUDIT_INVALID_RECORD',
  InvalidCheckpoint = 'AUDIT_INVALID_CHECKPOINT',
  /** A PEM is not an Ed25519 key of the expected kind (PKCS#8 private / SPKI public). */
  InvalidKey = 'AUDIT_INVALID_KEY',
  /** The service has no signing key configured, so it cannot sign checkpoints. */
  SigningKeyMissing = 'AUDIT_SIGNING_KEY_MISSING',
  /** An export file cannot be read as the NDJSON export format (no header, wrong version…). */
  InvalidExport = 'AUDIT_INVALID_EXPORT',
  /** A pagination cursor was not produced by the service, or belongs to another query. */
  InvalidCursor = 'AUDIT_INVALID_CURSOR',
  /** A seq or time range is empty or reversed, or verification options contradict each other. */
  InvalidRange = 'AUDIT_INVALID_RANGE',
  /** The requested range holds no records (for example already archived and removed). */
  RangeNotFound = 'AUDIT_RANGE_NOT_FOUND',
  /** Another writer appended to the tenant's chain concurrently; the batch is retried. */
  ChainHeadConflict = 'AUDIT_CHAIN_HEAD_CONFLICT',
  /** An export exceeds the configured maximum size; ask for a narrower range. */
  ExportTooLarge = 'AUDIT_EXPORT_TOO_LARGE',
  /** A segment cannot be removed: not past retention, not archived, or no signed anchor. */
  RetentionRefused = 'AUDIT_RETENTION_REFUSED',
  /** The audit log cannot record or answer right now (database or stream down). */
  Unavailable = 'AUDIT_UNAVAILABLE',
  /** The platform chain (`_platform`) was asked for by an auditor of a realm not designated to read it. */
  PlatformChainForbidden = 'AUDIT_PLATFORM_CHAIN_FORBIDDEN',
}

export const AUDIT_ERROR_KIND: Readonly<Record<AuditExceptionCode, ErrorKind>> = {
  [AuditExceptionCode.InvalidEvent]: ErrorKind.Invalid,
  [AuditExceptionCode.TenantMismatch]: ErrorKind.Forbidden,
  [AuditExceptionCode.NotCanonicalizable]: ErrorKind.Invalid,
  [AuditExceptionCode.InvalidRecord]: ErrorKind.Invalid,
  [AuditExceptionCode.InvalidCheckpoint]: ErrorKind.Invalid,
  [AuditExceptionCode.InvalidKey]: ErrorKind.Invalid,
  [AuditExceptionCode.SigningKeyMissing]: ErrorKind.Unavailable,
  [AuditExceptionCode.InvalidExport]: ErrorKind.Invalid,
  [AuditExceptionCode.InvalidCursor]: ErrorKind.Invalid,
  [AuditExceptionCode.InvalidRange]: ErrorKind.Invalid,
  [AuditExceptionCode.RangeNotFound]: ErrorKind.NotFound,
  [AuditExceptionCode.ChainHeadConflict]: ErrorKind.Conflict,
  [AuditExceptionCode.ExportTooLarge]: ErrorKind.TooLarge,
  [AuditExceptionCode.RetentionRefused]: ErrorKind.PreconditionFailed,
  [AuditExceptionCode.PlatformChainForbidden]: ErrorKind.Forbidden,
  [AuditExceptionCode.Unavailable]: ErrorKind.Unavailable,
};

/** The audit domain's exception; its kind follows from the code (see `AUDIT_ERROR_KIND`). */
export class AuditException extends VigieException<AuditExceptionCode> {
  constructor(code: AuditExceptionCode, message: string, details?: unknown) {
    super(code, AUDIT_ERROR_KIND[code], message, details);
  }
}
