import { IngestBatch } from '@vigie/ontology-contracts';
import { deadLetterOutcome, isExpiredTokenRefusal, MAX_REPUBLISH } from './ingest-dead-letter.consumer';

const marking = { level: 'NP' as const, compartments: [] };

describe('deadLetterOutcome (a batch the ontology writer gave up on)', () => {
  it('quarantines each record of the batch once, with the writer\'s reason, so the counts still add up', () => {
    const batch: IngestBatch = {
      batchId: 'j:10',
      jobId: '00000000-0000-4000-8000-000000000001',
      source: 's',
      seq: 4,
      last: false,
      objects: [
        { type: 'Person', sourceKey: 'p:10', properties: {}, markings: marking, provenance: { recordKey: '10', line: 12 } },
        { type: 'Phone', sourceKey: 'ph:10', properties: {}, markings: marking, provenance: { recordKey: '10', line: 12 } },
        { type: 'Person', sourceKey: 'p:12', properties: {}, markings: marking, provenance: { recordKey: '12', line: 14 } },
      ],
      links: [{ type: 'uses', fromSourceKey: 'p:10', toSourceKey: 'ph:10', properties: {}, markings: marking, provenance: { recordKey: '10', line: 12 } }],
    };
    const outcome = deadLetterOutcome(batch, 'batch refused: token expired');
    expect(outcome).toMatchObject({ jobId: batch.jobId, seq: 4, merged: 0 });
    expect(outcome.rejected.map((r) => [r.index, r.line, r.code])).toEqual([
      [10, 12, 'DEAD_LETTERED'],
      [12, 14, 'DEAD_LETTERED'],
    ]);
    expect(outcome.rejected[0].reason).toMatch(/token expired/);
  });
});

describe('isExpiredTokenRefusal', () => {
  it('recognises the writer refusing a batch whose token expired while it waited, and nothing else', () => {
    expect(isExpiredTokenRefusal('batch refused: Token has expired')).toBe(true);
    expect(isExpiredTokenRefusal('batch refused: "exp" claim timestamp check failed')).toBe(true);
    expect(isExpiredTokenRefusal('batch refused: Token is not a signed JWT')).toBe(false);
    expect(isExpiredTokenRefusal('batch refused: ONTOLOGY_MARKING_ABOVE_CLEARANCE: level S above clearance DR')).toBe(false);
    expect(MAX_REPUBLISH).toBeGreaterThan(0);
  });
});
