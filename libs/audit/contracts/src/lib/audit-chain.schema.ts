import { z } from 'zod';
import { jsonObjectSchema, tenantSchema } from './audit-event.schema';

/** Lowercase hex SHA-256. */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (SHA-256)');
export const seqSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/**
 * One link of a tenant's hash chain, as stored and exported. `event` is the event exactly as it
 * was hashed (a JSON object; old records keep the shape their event had when it was chained).
 * `hash` = SHA-256 over the record without `hash` — see docs/adr/0004-audit-chain.md.
 */
export const chainRecordSchema = z.strictObject({
  tenant: tenantSchema,
  seq: seqSchema,
  eventId: z.string().min(1).max(255),
  /** When the audit service chained the event, ISO 8601 UTC. */
  recordedAt: z.iso.datetime(),
  event: jsonObjectSchema,
  prevHash: sha256HexSchema,
  hash: sha256HexSchema,
});
export type ChainRecordDto = z.infer<typeof chainRecordSchema>;

/**
 * `periodic`: signed every N records or T seconds. `anchor`: signed when the records up to `seq`
 * are archived and removed (retention); the remaining chain verifies from it.
 */
export const CHECKPOINT_KINDS = ['periodic', 'anchor'] as const;
export const checkpointKindSchema = z.enum(CHECKPOINT_KINDS);
export type CheckpointKind = z.infer<typeof checkpointKindSchema>;

/** Ed25519 signature (standard base64 of 64 bytes) over the checkpoint statement. */
export const checkpointSchema = z.strictObject({
  tenant: tenantSchema,
  seq: seqSchema,
  hash: sha256HexSchema,
  time: z.iso.datetime(),
  kind: checkpointKindSchema,
  /** SHA-256 (hex) of the signer's public key in DER SubjectPublicKeyInfo form. */
  keyId: sha256HexSchema,
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature (64 bytes)'),
});
export type CheckpointDto = z.infer<typeof checkpointSchema>;

export const CHAIN_PROBLEM_KINDS = [
  'altered',
  'removed',
  'inserted',
  'reordered',
  'truncated',
  'duplicate',
  'bad-signature',
  'unknown-key',
  'unanchored',
  'malformed',
] as const;
export const chainProblemKindSchema = z.enum(CHAIN_PROBLEM_KINDS);
export type ChainProblemKind = z.infer<typeof chainProblemKindSchema>;

export const chainProblemSchema = z.strictObject({
  kind: chainProblemKindSchema,
  /** The first seq that is wrong (the record, or the checkpoint for signature problems); null when unknown. */
  seq: z.number().int().min(0).nullable(),
  /** The event id of the record found at that position, when there is one. */
  eventId: z.string().optional(),
  /** The seqs the problem may span (rewritten-and-rehashed ranges, several removed records). */
  range: z.strictObject({ fromSeq: z.number().int().min(0), toSeq: z.number().int().min(0) }).optional(),
  /** 1-based line of an export file. */
  line: z.number().int().min(1).optional(),
  message: z.string(),
});
export type ChainProblemDto = z.infer<typeof chainProblemSchema>;

export const checkpointResultSchema = z.strictObject({
  seq: z.number().int().min(1),
  kind: checkpointKindSchema,
  keyId: z.string(),
  time: z.string(),
  /** The checkpoint's keyId is one of the trusted public keys. */
  keyKnown: z.boolean(),
  signatureValid: z.boolean(),
  /** The recomputed chain reaches the signed hash at `seq`; null when not checked (outside the range, or after a problem). */
  matchesChain: z.boolean().nullable(),
});
export type CheckpointResultDto = z.infer<typeof checkpointResultSchema>;

export const verifyReportSchema = z.strictObject({
  ok: z.boolean(),
  tenant: z.string().nullable(),
  /** How the first record's predecessor is trusted: the tenant's genesis hash, a signed checkpoint, or not at all. */
  start: z.enum(['genesis', 'anchor', 'unanchored']).nullable(),
  anchorSeq: z.number().int().min(1).nullable(),
  firstSeq: z.number().int().min(1).nullable(),
  /** Last record verified before the first problem (or the end). */
  lastSeq: z.number().int().min(1).nullable(),
  recordsChecked: z.number().int().min(0),
  /** Highest seq vouched for by a valid checkpoint that matches the chain. */
  coveredUpTo: z.number().int().min(1).nullable(),
  /** Verified records after `coveredUpTo`: their removal from the tail could not be detected. */
  unsignedTail: z.number().int().min(0),
  firstProblem: chainProblemSchema.optional(),
  checkpoints: z.array(checkpointResultSchema),
});
export type VerifyReportDto = z.infer<typeof verifyReportSchema>;

export const publicKeyInfoSchema = z.strictObject({
  keyId: sha256HexSchema,
  algorithm: z.literal('Ed25519'),
  publicKeyPem: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
  /** `active` signs new checkpoints; `retired` keys still verify older ones. */
  status: z.enum(['active', 'retired']),
});
export type PublicKeyInfo = z.infer<typeof publicKeyInfoSchema>;
