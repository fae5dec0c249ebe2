import { AuditException, AuditExceptionCode } from '@vigie/audit-contracts';
import { AuditSigningKey, AuditVerificationKey } from './chain-keys.util';
import { Checkpoint, signCheckpoint, verifyCheckpointSignature } from './checkpoint.util';
import { ExportVerifyReport } from './chain-export.util';

/** Records chained before this instant are past retention (`retentionDays` before `now`). */
export function retentionCutoff(retentionDays: number, now: Date = new Date()): string {
  if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
    throw new AuditException(AuditExceptionCode.InvalidRange, `Retention must be a positive number of days, got ${retentionDays}`);
  }
  return new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
}

/**
 * Signs the retention anchor for removing records up to `lastRemoved.seq`: a checkpoint of kind
 * `anchor` over that record's hash. The remaining chain verifies from it; removing records
 * without one is reported as `removed`. Sign it only after verifying the chain up to that seq,
 * or the anchor would vouch for a tampered chain.
 */
export function createRetentionAnchor(
  lastRemoved: { tenant: string; seq: number; hash: string },
  key: AuditSigningKey,
  time?: string | Date,
): Checkpoint {
  return signCheckpoint(lastRemoved, key, { kind: 'anchor', ...(time === undefined ? {} : { time }) });
}

/**
 * Refuses to remove records 1..anchor.seq (or the segment an archive covers) unless the archive
 * (an export of the segment, read back and verified) holds: it verifies, it ends at the anchor's
 * seq, and it carries that signed anchor matching the chain.
 */
export function assertSegmentRemovable(archive: ExportVerifyReport, anchor: Checkpoint): void {
  const refuse = (why: string): never => {
    throw new AuditException(AuditExceptionCode.RetentionRefused, `Segment up to seq ${anchor.seq} cannot be removed: ${why}`);
  };
  if (anchor.kind !== 'anchor') refuse('the checkpoint is not a retention anchor');
  if (!archive.ok) refuse(`its archive does not verify (${archive.firstProblem?.kind}: ${archive.firstProblem?.message})`);
  if (archive.tenant !== anchor.tenant) refuse(`the archive is of tenant "${archive.tenant}"`);
  if (archive.lastSeq !== anchor.seq) refuse(`the archive ends at seq ${archive.lastSeq}`);
  const inArchive = archive.checkpoints.find((c) => c.seq === anchor.seq && c.kind === 'anchor' && c.keyId === anchor.keyId && c.time === anchor.time);
  if (!inArchive || !inArchive.signatureValid || inArchive.matchesChain !== true) refuse('the archive does not carry the signed anchor');
}

/**
 * Where to start verifying a range that begins at `fromSeq`: the latest checkpoint at or before
 * `fromSeq - 1` whose signature holds (verification then runs from its seq + 1 with it as the
 * anchor), or seq 1 from genesis when there is none.
 */
export function planRangeVerification(
  checkpoints: Iterable<Checkpoint>,
  fromSeq: number,
  keys: ReadonlyMap<string, AuditVerificationKey>,
): { fromSeq: number; anchor?: Checkpoint } {
  let best: Checkpoint | undefined;
  for (const cp of checkpoints) {
    if (cp.seq <= fromSeq - 1 && (!best || cp.seq > best.seq || (cp.seq === best.seq && cp.kind === 'anchor'))) {
      if (verifyCheckpointSignature(cp, keys).signatureValid) best = cp;
    }
  }
  return best ? { fromSeq: best.seq + 1, anchor: best } : { fromSeq: 1 };
}
