import { ingestBatchSchema, IngestBatchInput, OntologyException, OntologyExceptionCode } from '@vigie/ontology-contracts';
import { assertWithinUploaderClearance, markingExcess } from './uploader-clearance';

const batch = (extra: Partial<IngestBatchInput>) =>
  ingestBatchSchema.parse({
    batchId: 'b-1',
    jobId: 'job-1',
    source: 'registre',
    seq: 3,
    objects: [
      { type: 'Person', sourceKey: 'P1', properties: { fullName: 'Jean Martin' }, markings: { level: 'DR', compartments: ['op-saphir'] } },
      { type: 'Phone', sourceKey: 'T1', properties: { number: '0612345678' }, markings: { level: 'NP', compartments: [] }, propertyMarkings: { number: { level: 'S', compartments: [] } } },
    ],
    links: [{ type: 'uses', fromSourceKey: 'P1', toSourceKey: 'T1', markings: { level: 'NP', compartments: ['op-rubis'] } }],
    ...extra,
  });

describe('markingExcess', () => {
  it('names a level above the clearance and the compartments not held', () => {
    expect(markingExcess({ level: 'S', compartments: ['a', 'b'] }, { clearance: 'DR', compartments: ['a'] })).toBe('level S above clearance DR; compartment b not held');
    expect(markingExcess({ level: 'NP', compartments: ['x', 'y'] }, { clearance: 'TS', compartments: [] })).toBe('compartments x, y not held');
  });

  it('accepts a marking at or below the clearance with held compartments', () => {
    expect(markingExcess({ level: 'DR', compartments: ['a'] }, { clearance: 'DR', compartments: ['a', 'b'] })).toBeNull();
    expect(markingExcess({ level: 'NP', compartments: [] }, { clearance: 'NP', compartments: [] })).toBeNull();
  });
});

describe('assertWithinUploaderClearance', () => {
  it('lets a batch through when its uploader holds every marking in it', () => {
    expect(() => assertWithinUploaderClearance(batch({ uploader: { subject: 'alpha-s', clearance: 'S', compartments: ['op-saphir', 'op-rubis'] } }))).not.toThrow();
  });

  it('does not check a batch that carries no uploader (a publisher that predates the field)', () => {
    expect(() => assertWithinUploaderClearance(batch({}))).not.toThrow();
  });

  it('refuses the whole batch, naming every offending record, marking and the uploader', () => {
    let error: unknown;
    try {
      assertWithinUploaderClearance(batch({ uploader: { subject: 'alpha-dr', clearance: 'DR', compartments: ['op-saphir'] } }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OntologyException);
    const refusal = error as OntologyException;
    expect(refusal.code).toBe(OntologyExceptionCode.MarkingAboveClearance);
    expect(refusal.message).toContain('batch b-1 (job job-1, seq 3)');
    expect(refusal.message).toContain('uploader alpha-dr');
    expect(refusal.message).toContain('object T1 (property number): level S above clearance DR');
    expect(refusal.message).toContain('link uses P1→T1 (markings): compartment op-rubis not held');
    expect(refusal.message).not.toContain('object P1');
    expect(refusal.details).toMatchObject({ offences: 2, uploader: 'alpha-dr' });
  });
});
