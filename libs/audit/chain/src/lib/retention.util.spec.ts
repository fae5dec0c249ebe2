import { AuditExceptionCode } from '@vigie/audit-contracts';
import { exportToString, verifyExport } from './chain-export.util';
import { verifyChain } from './chain-verifier.util';
import { Checkpoint, signCheckpoint } from './checkpoint.util';
import { assertSegmentRemovable, createRetentionAnchor, retentionCutoff } from './retention.util';
import { buildChain, signingKey, TENANT } from './chain-fixtures.spec-helper';

const KEYS = signingKey.publicKeyPem;
const { records, checkpoints } = buildChain(30, { every: 10 });
const TIME = '2025-05-01T00:00:00.000Z';

async function archive(fromSeq: number, toSeq: number, cps: Checkpoint[]) {
  const text = await exportToString({
    tenant: TENANT,
    fromSeq,
    toSeq,
    records: records.filter((r) => r.seq >= fromSeq && r.seq <= toSeq),
    checkpoints: cps.filter((c) => c.seq >= fromSeq - 1 && c.seq <= toSeq),
    publicKeys: [KEYS],
    purpose: 'archive',
  });
  return verifyExport([text], KEYS);
}

describe('retention', () => {
  const anchor15 = createRetentionAnchor({ tenant: TENANT, seq: 15, hash: records[14].hash }, signingKey, TIME);
  const withAnchor = [...checkpoints, anchor15];

  it('computes the cutoff', () => {
    expect(retentionCutoff(30, new Date('2025-05-31T00:00:00.000Z'))).toBe('2025-05-01T00:00:00.000Z');
    expect(() => retentionCutoff(0)).toThrow(expect.objectContaining({ code: AuditExceptionCode.InvalidRange }));
  });

  it('archives a segment that verifies on its own and ends at the signed anchor', async () => {
    expect(anchor15).toMatchObject({ kind: 'anchor', seq: 15, hash: records[14].hash });
    const report = await archive(1, 15, withAnchor);
    expect(report).toMatchObject({ ok: true, lastSeq: 15, coveredUpTo: 15, unsignedTail: 0 });
    expect(report.header?.purpose).toBe('archive');
    expect(() => assertSegmentRemovable(report, anchor15)).not.toThrow();
  });

  it('keeps the remaining chain verifiable from the anchor', () => {
    const rest = records.slice(15);
    const report = verifyChain(rest, withAnchor.filter((c) => c.seq >= 15), KEYS);
    expect(report).toMatchObject({ ok: true, start: 'anchor', anchorSeq: 15, firstSeq: 16, lastSeq: 30 });
  });

  it('detects records removed without an anchor, or beyond it', () => {
    expect(verifyChain(records.slice(15), checkpoints, KEYS).firstProblem).toMatchObject({ kind: 'removed', seq: 1, range: { fromSeq: 1, toSeq: 15 } });
    expect(verifyChain(records.slice(18), withAnchor, KEYS).firstProblem).toMatchObject({ kind: 'removed', seq: 16, range: { fromSeq: 16, toSeq: 18 } });
  });

  it('does not take a periodic checkpoint, or a forged anchor, for a retention anchor', () => {
    expect(verifyChain(records.slice(10), checkpoints, KEYS).firstProblem).toMatchObject({ kind: 'removed', seq: 1 });
    const forged = { ...anchor15, seq: 16, hash: records[15].hash };
    const report = verifyChain(records.slice(16), [...checkpoints, forged], KEYS);
    expect(report.firstProblem).toMatchObject({ kind: 'removed', seq: 1 });
  });

  it('archives the next segment from the previous anchor', async () => {
    const anchor25 = createRetentionAnchor({ tenant: TENANT, seq: 25, hash: records[24].hash }, signingKey, TIME);
    const report = await archive(16, 25, [...withAnchor, anchor25]);
    expect(report).toMatchObject({ ok: true, start: 'anchor', anchorSeq: 15, lastSeq: 25 });
    expect(() => assertSegmentRemovable(report, anchor25)).not.toThrow();
  });

  it('refuses removal when the archive does not hold, ends elsewhere, or the checkpoint is no anchor', async () => {
    const good = await archive(1, 15, withAnchor);
    expect(() => assertSegmentRemovable({ ...good, ok: false, firstProblem: { kind: 'altered', seq: 3, message: 'x' } }, anchor15)).toThrow(
      expect.objectContaining({ code: AuditExceptionCode.RetentionRefused, message: expect.stringContaining('does not verify') }),
    );
    const short = await archive(1, 12, withAnchor);
    expect(() => assertSegmentRemovable(short, anchor15)).toThrow(/ends at seq 12/);
    const periodic = signCheckpoint(records[14], signingKey, { time: TIME });
    expect(() => assertSegmentRemovable(good, periodic)).toThrow(/not a retention anchor/);
    const other = createRetentionAnchor({ tenant: TENANT, seq: 15, hash: records[14].hash }, signingKey, '2025-06-01T00:00:00.000Z');
    expect(() => assertSegmentRemovable(good, other)).toThrow(/does not carry the signed anchor/);
  });
});
