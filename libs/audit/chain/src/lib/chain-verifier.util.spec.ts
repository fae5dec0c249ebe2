import { AuditExceptionCode, verifyReportSchema } from '@vigie/audit-contracts';
import { ChainRecord } from './chain-hash.util';
import { Checkpoint, signCheckpoint } from './checkpoint.util';
import { verifyChain, verifyChainStream, VerifyReport } from './chain-verifier.util';
import { planRangeVerification } from './retention.util';
import { toKeyRing } from './chain-keys.util';
import { buildChain, eventId, makeEvent, otherKey, rechain, rehashed, signingKey, TENANT } from './chain-fixtures.spec-helper';
import { recordHash } from './chain-hash.util';

const KEYS = signingKey.publicKeyPem;
// 20 records, periodic checkpoints at 5, 10, 15, 20.
const { records: CHAIN, checkpoints: CPS } = buildChain(20, { every: 5 });

function verify(records: ChainRecord[], checkpoints: Checkpoint[] = CPS, options = {}): VerifyReport {
  const report = verifyChain(records, checkpoints, KEYS, options);
  expect(verifyReportSchema.safeParse(report).success).toBe(true);
  return report;
}

function problemOf(report: VerifyReport) {
  expect(report.ok).toBe(false);
  return report.firstProblem!;
}

/** Moves seq values around without touching anything else (what `UPDATE … SET seq` does). */
function withSeq(record: ChainRecord, seq: number): ChainRecord {
  return { ...record, seq };
}

describe('verifyChain on an intact chain', () => {
  it('holds, with every checkpoint signed and matching', () => {
    const report = verify(CHAIN);
    expect(report).toMatchObject({
      ok: true,
      tenant: TENANT,
      start: 'genesis',
      anchorSeq: null,
      firstSeq: 1,
      lastSeq: 20,
      recordsChecked: 20,
      coveredUpTo: 20,
      unsignedTail: 0,
    });
    expect(report.firstProblem).toBeUndefined();
    expect(report.checkpoints.map((c) => [c.seq, c.keyKnown, c.signatureValid, c.matchesChain])).toEqual([
      [5, true, true, true],
      [10, true, true, true],
      [15, true, true, true],
      [20, true, true, true],
    ]);
  });

  it('counts the records after the last checkpoint as an unsigned tail', () => {
    const { records, checkpoints } = buildChain(22, { every: 5 });
    expect(verify(records, checkpoints)).toMatchObject({ ok: true, coveredUpTo: 20, unsignedTail: 2 });
  });

  it('gives the same answer streamed', async () => {
    async function* stream() {
      for (const r of CHAIN) yield r;
    }
    expect(await verifyChainStream(stream(), CPS, KEYS)).toEqual(verify(CHAIN));
  });

  it('holds for an empty chain, and calls one with a checkpoint but no records truncated', () => {
    expect(verify([], [])).toMatchObject({ ok: true, recordsChecked: 0, start: 'genesis', lastSeq: null });
    expect(problemOf(verify([], CPS.slice(0, 1), { tenant: TENANT }))).toMatchObject({ kind: 'truncated', seq: 1, range: { fromSeq: 1, toSeq: 5 } });
  });
});

describe('verifyChain names the first tampered record', () => {
  it('update a row (content changed, hash kept): altered at that seq', () => {
    const tampered = CHAIN.map((r) => (r.seq === 7 ? { ...r, event: { ...r.event, outcome: 'denied' } } : r));
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'altered', seq: 7, eventId: eventId(7) });
  });

  it('update a row and re-hash it: altered at that seq (its successor no longer links)', () => {
    const tampered = CHAIN.map((r) => (r.seq === 7 ? rehashed(r, { event: { ...r.event, actor: 'someone else' } }) : r));
    const problem = problemOf(verify(tampered));
    expect(problem).toMatchObject({ kind: 'altered', seq: 7, eventId: eventId(7) });
    expect(problem.message).toMatch(/re-hashed/);
  });

  it('update the last row and re-hash it: the checkpoint at that seq catches it, bounded by the one before', () => {
    const tampered = CHAIN.map((r) => (r.seq === 20 ? rehashed(r, { recordedAt: '2030-01-01T00:00:00.000Z' }) : r));
    const problem = problemOf(verify(tampered));
    // Links 16..20 all hold; only the signed hash at 20 disagrees: any of 16..20 may have been rewritten.
    expect(problem).toMatchObject({ kind: 'altered', seq: 20, eventId: eventId(20), range: { fromSeq: 16, toSeq: 20 } });
    expect(problem.message).toMatch(/between seq 16 and 20/);
  });

  it('rewrite and re-chain everything from a row: the next checkpoint bounds it', () => {
    const tampered = rechain(
      CHAIN.map((r) => (r.seq === 7 ? { ...r, event: { ...r.event, outcome: 'error' } } : r)),
      6,
    );
    const problem = problemOf(verify(tampered));
    expect(problem).toMatchObject({ kind: 'altered', seq: 10, range: { fromSeq: 6, toSeq: 10 } });
    expect(verify(tampered).recordsChecked).toBe(9);
  });

  it('delete a row: removed at its seq', () => {
    const problem = problemOf(verify(CHAIN.filter((r) => r.seq !== 7)));
    expect(problem).toMatchObject({ kind: 'removed', seq: 7, range: { fromSeq: 7, toSeq: 7 } });
    expect(problem.eventId).toBeUndefined();
  });

  it('delete several rows: removed, with the range', () => {
    expect(problemOf(verify(CHAIN.filter((r) => r.seq < 7 || r.seq > 9)))).toMatchObject({ kind: 'removed', seq: 7, range: { fromSeq: 7, toSeq: 9 } });
  });

  it('delete the first row: removed at 1', () => {
    expect(problemOf(verify(CHAIN.slice(1)))).toMatchObject({ kind: 'removed', seq: 1 });
  });

  it('delete a row and renumber the rest: removed at its seq', () => {
    const tampered = [...CHAIN.slice(0, 6), ...CHAIN.slice(7).map((r) => withSeq(r, r.seq - 1))];
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'removed', seq: 7, range: { fromSeq: 7, toSeq: 7 } });
  });

  it('insert a forged row and renumber the rest: inserted, naming the forged record', () => {
    const forged = rehashed({ ...CHAIN[6], eventId: 'forged', event: { ...makeEvent(99), id: 'forged' }, prevHash: CHAIN[5].hash });
    const tampered = [...CHAIN.slice(0, 6), forged, ...CHAIN.slice(6).map((r) => withSeq(r, r.seq + 1))];
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'inserted', seq: 7, eventId: 'forged' });
  });

  it('insert a badly hashed row and renumber the rest: inserted', () => {
    const forged = { ...CHAIN[6], eventId: 'forged', event: { id: 'forged' } };
    const tampered = [...CHAIN.slice(0, 6), forged, ...CHAIN.slice(6).map((r) => withSeq(r, r.seq + 1))];
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'inserted', seq: 7, eventId: 'forged' });
  });

  it.each([
    ['before', 0],
    ['after', 1],
  ])('insert a second row with an existing seq (%s the genuine one): inserted, naming the forged record', (_where, offset) => {
    const forged = rehashed({ ...CHAIN[6], eventId: 'forged', event: { id: 'forged' }, prevHash: CHAIN[5].hash });
    const tampered = [...CHAIN];
    tampered.splice(6 + offset, 0, forged);
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'inserted', seq: 7, eventId: 'forged' });
  });

  it('swap the seqs of two adjacent rows: reordered', () => {
    const tampered = [...CHAIN.slice(0, 6), withSeq(CHAIN[7], 7), withSeq(CHAIN[6], 8), ...CHAIN.slice(8)];
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'reordered', seq: 7, eventId: eventId(8) });
  });

  it('swap the seqs of two distant rows: reordered', () => {
    const tampered = CHAIN.map((r) => (r.seq === 7 ? withSeq(CHAIN[11], 7) : r.seq === 12 ? withSeq(CHAIN[6], 12) : r));
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'reordered', seq: 7, eventId: eventId(12) });
  });

  it('swap two lines of an export (seqs intact): reordered', () => {
    const tampered = [...CHAIN.slice(0, 6), CHAIN[7], CHAIN[6], ...CHAIN.slice(8)];
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'reordered', seq: 7, eventId: eventId(7) });
  });

  it('swap the events of two rows: reordered', () => {
    const [a, b] = [CHAIN[6], CHAIN[7]];
    const tampered = CHAIN.map((r) =>
      r === a ? { ...a, eventId: b.eventId, event: b.event, recordedAt: b.recordedAt } : r === b ? { ...b, eventId: a.eventId, event: a.event, recordedAt: a.recordedAt } : r,
    );
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'reordered', seq: 7 });
  });

  it('truncate the tail: truncated, from the first missing seq up to the last checkpoint', () => {
    const problem = problemOf(verify(CHAIN.slice(0, 17)));
    expect(problem).toMatchObject({ kind: 'truncated', seq: 18, range: { fromSeq: 18, toSeq: 20 } });
    expect(verify(CHAIN.slice(0, 17)).checkpoints.at(-1)).toMatchObject({ seq: 20, matchesChain: false });
  });

  it('forge a checkpoint signature: bad-signature at that checkpoint', () => {
    const forged = CPS.map((c) => (c.seq === 10 ? { ...c, signature: signCheckpoint(c, otherKey, { time: c.time }).signature } : c));
    const report = verify(CHAIN, forged);
    expect(problemOf(report)).toMatchObject({ kind: 'bad-signature', seq: 10 });
    expect(report.checkpoints.map((c) => c.signatureValid)).toEqual([true, false, true, true]);
    expect(report.recordsChecked).toBe(20);
  });

  it('move a checkpoint to a rewritten hash: bad-signature', () => {
    const forged = CPS.map((c) => (c.seq === 15 ? { ...c, hash: 'f'.repeat(64) } : c));
    expect(problemOf(verify(CHAIN, forged))).toMatchObject({ kind: 'bad-signature', seq: 15 });
  });

  it('sign with a key that is not trusted: unknown-key', () => {
    const { records, checkpoints } = buildChain(10, { every: 5, key: otherKey });
    const report = verify(records, checkpoints);
    expect(problemOf(report)).toMatchObject({ kind: 'unknown-key', seq: 5 });
    expect(report.checkpoints.every((c) => !c.keyKnown && !c.signatureValid)).toBe(true);
    expect(verifyChain(records, checkpoints, [KEYS, otherKey.publicKeyPem]).ok).toBe(true);
  });

  it('reports the earliest problem: a record before a forged checkpoint', () => {
    const forged = CPS.map((c) => (c.seq === 15 ? { ...c, hash: 'f'.repeat(64) } : c));
    const tampered = CHAIN.map((r) => (r.seq === 3 ? { ...r, eventId: 'x' } : r));
    expect(problemOf(verify(tampered, forged))).toMatchObject({ kind: 'altered', seq: 3 });
  });

  it('repeat a record: duplicate', () => {
    const tampered = [...CHAIN.slice(0, 7), CHAIN[6], ...CHAIN.slice(7)];
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'duplicate', seq: 7, eventId: eventId(7) });
  });

  it("slip in another tenant's record: inserted", () => {
    const foreign = buildChain(7, { tenant: 'other' }).records[6];
    const tampered = [...CHAIN.slice(0, 6), foreign, ...CHAIN.slice(7)];
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'inserted', seq: 7 });
  });

  it('change the link of a record and re-hash it, with a checkpoint on its predecessor: altered at that record', () => {
    const tampered = CHAIN.map((r) => (r.seq === 6 ? rehashed(r, { prevHash: 'e'.repeat(64) }) : r));
    expect(problemOf(verify(tampered))).toMatchObject({ kind: 'altered', seq: 6, eventId: eventId(6) });
  });

  it('still flags a swap without look-ahead, if less precisely', () => {
    const tampered = [...CHAIN.slice(0, 6), withSeq(CHAIN[7], 7), withSeq(CHAIN[6], 8), ...CHAIN.slice(8)];
    expect(problemOf(verify(tampered, CPS, { lookahead: 0 }))).toMatchObject({ seq: 7 });
  });

  it('stops reading a stream at the first problem once it is named', async () => {
    let pulled = 0;
    async function* stream() {
      for (const r of CHAIN.map((x) => (x.seq === 2 ? { ...x, eventId: 'x' } : x))) {
        pulled += 1;
        yield r;
      }
    }
    const report = await verifyChainStream(stream(), CPS, KEYS, { lookahead: 3 });
    expect(report.firstProblem).toMatchObject({ kind: 'altered', seq: 2 });
    expect(pulled).toBe(5);
  });
});

describe('verifyChain over a range', () => {
  it('starts from a valid checkpoint just before the range', () => {
    const report = verify(CHAIN.slice(10), CPS, { fromSeq: 11 });
    expect(report).toMatchObject({ ok: true, start: 'anchor', anchorSeq: 10, firstSeq: 11, lastSeq: 20 });
    expect(report.checkpoints.find((c) => c.seq === 10)).toMatchObject({ matchesChain: true });
    expect(report.checkpoints.find((c) => c.seq === 5)).toMatchObject({ matchesChain: null });
  });

  it('reports a range without such a checkpoint as unanchored', () => {
    expect(problemOf(verify(CHAIN.slice(11), CPS, { fromSeq: 12 }))).toMatchObject({ kind: 'unanchored', seq: 12 });
  });

  it('plans a range from the latest valid checkpoint before it', () => {
    const ring = toKeyRing(KEYS);
    const plan = planRangeVerification(CPS, 13, ring);
    expect(plan).toEqual({ fromSeq: 11, anchor: CPS[1] });
    const report = verify(CHAIN.filter((r) => r.seq >= plan.fromSeq), CPS, plan);
    expect(report).toMatchObject({ ok: true, anchorSeq: 10 });
    expect(planRangeVerification(CPS, 3, ring)).toEqual({ fromSeq: 1 });
    const forged = CPS.map((c) => (c.seq === 10 ? { ...c, hash: '0'.repeat(64) } : c));
    expect(planRangeVerification(forged, 13, ring)).toEqual({ fromSeq: 6, anchor: CPS[0] });
  });

  it('stops at toSeq, and calls a shorter chain truncated', () => {
    expect(verify(CHAIN, CPS, { toSeq: 12 })).toMatchObject({ ok: true, lastSeq: 12, coveredUpTo: 10, unsignedTail: 2 });
    expect(problemOf(verify(CHAIN, CPS, { toSeq: 25 }))).toMatchObject({ kind: 'truncated', seq: 21, range: { fromSeq: 21, toSeq: 25 } });
  });

  it('trusts an explicit anchor only when its signature holds', () => {
    const anchor = CPS[1];
    expect(verify(CHAIN.slice(10), [], { anchor })).toMatchObject({ ok: true, start: 'anchor', anchorSeq: 10 });
    const forged = { ...anchor, hash: CHAIN[9].prevHash };
    expect(problemOf(verify(CHAIN.slice(10), [], { anchor: forged }))).toMatchObject({ kind: 'bad-signature', seq: 10 });
    const foreign = signCheckpoint(anchor, otherKey, { time: anchor.time });
    expect(problemOf(verify(CHAIN.slice(10), [], { anchor: foreign }))).toMatchObject({ kind: 'unknown-key', seq: 10 });
  });

  it('refuses contradictory options, naming them', () => {
    expect(() => verifyChain(CHAIN, CPS, KEYS, { fromSeq: 0 })).toThrow(expect.objectContaining({ code: AuditExceptionCode.InvalidRange }));
    expect(() => verifyChain(CHAIN, CPS, KEYS, { fromSeq: 9, toSeq: 3 })).toThrow(/after toSeq/);
    expect(() => verifyChain(CHAIN, CPS, KEYS, { fromSeq: 9, anchor: CPS[0] })).toThrow(/starts the range at 6/);
    expect(() => verifyChain(CHAIN, CPS, [])).toThrow(/at least one trusted public key/);
  });

  it('is not fooled by a record whose hash was recomputed but whose seq was moved', () => {
    const moved = rehashed(CHAIN[6], { seq: 8 });
    expect(recordHash(moved)).toBe(moved.hash);
    expect(problemOf(verify([...CHAIN.slice(0, 6), moved, ...CHAIN.slice(8)]))).toMatchObject({ kind: 'removed', seq: 7 });
  });
});

describe('checkpoint bookkeeping', () => {
  it('ignores checkpoints of records beyond toSeq for truncation, but still checks their signatures', () => {
    const forged = [...CPS.slice(0, 3), { ...CPS[3], signature: CPS[0].signature }];
    const report = verify(CHAIN, forged, { toSeq: 15 });
    expect(problemOf(report)).toMatchObject({ kind: 'bad-signature', seq: 20 });
    expect(report.checkpoints.at(-1)!.matchesChain).toBeNull();
  });

  it("does not take another tenant's checkpoint for evidence about this chain", () => {
    const foreign = signCheckpoint({ tenant: 'other', seq: 7, hash: 'c'.repeat(64) }, signingKey, { time: '2025-04-01T00:00:00.000Z' });
    const report = verify(CHAIN, [...CPS, foreign]);
    expect(report.ok).toBe(true);
    expect(report.checkpoints.find((c) => c.seq === 7)).toMatchObject({ signatureValid: true, matchesChain: false });
    const tail = verify(CHAIN.slice(0, 3), [signCheckpoint({ tenant: 'other', seq: 9, hash: 'c'.repeat(64) }, signingKey)]);
    expect(tail.ok).toBe(true);
  });

  it('checks every checkpoint at a seq', () => {
    const second = signCheckpoint(CHAIN[4], signingKey, { kind: 'anchor', time: '2025-04-01T00:00:00.000Z' });
    const report = verify(CHAIN, [...CPS, second]);
    expect(report.ok).toBe(true);
    expect(report.checkpoints.filter((c) => c.seq === 5).map((c) => c.kind).sort()).toEqual(['anchor', 'periodic']);
  });
});
