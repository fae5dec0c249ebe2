import { BatchProcessedPayload } from '@vigie/ontology-contracts';
import { outcomeOf } from './batch-outcome.consumer';

const event = (rejected: BatchProcessedPayload['rejected']): BatchProcessedPayload =>
  ({
    eventId: 'processed:j:3',
    tenant: 'alpha',
    occurredAt: '2026-11-28T12:00:00.000Z',
    actor: { subject: 's', kind: 'service' },
    batchId: 'j:30',
    jobId: '00000000-0000-4000-8000-000000000001',
    source: 'test',
    seq: 3,
    last: false,
    objects: { created: 1, updated: 0, unchanged: 0 },
    links: { created: 0, updated: 0, unchanged: 0 },
    merged: 2,
    queuedForReview: 0,
    rejected,
  }) as BatchProcessedPayload;

describe('outcomeOf (the ontology refusals of a batch, per record)', () => {
  it('gives one quarantine entry per refused record, joining the reasons of its objects and links', () => {
    const outcome = outcomeOf(
      event([
        { kind: 'object', sourceKey: 'phone:x', recordKey: '31', line: 33, code: 'INVALID_IDENTIFIER', message: 'not a phone number' },
        { kind: 'link', sourceKey: 'uses|a|b|', recordKey: '31', line: 33, code: 'LINK_END_NOT_FOUND', message: 'to: no object' },
        { kind: 'object', sourceKey: 'person:40', recordKey: '40', code: 'INVALID_PROPERTIES', message: 'bad' },
      ]),
    );
    expect(outcome).toMatchObject({ jobId: '00000000-0000-4000-8000-000000000001', seq: 3, merged: 2 });
    expect(outcome.rejected).toHaveLength(2);
    expect(outcome.rejected[0]).toMatchObject({ index: 31, line: 33, stage: 'ontology', code: 'INVALID_IDENTIFIER' });
    expect(outcome.rejected[0].reason).toContain('LINK_END_NOT_FOUND');
    expect(outcome.rejected[1]).toMatchObject({ index: 40, line: 0 });
  });

  it('marks a refusal that names no record for the batch\'s first record (index -1)', () => {
    const outcome = outcomeOf(event([{ kind: 'object', sourceKey: 'person:1', code: 'TYPE_CHANGED', message: 'stored as a Phone' }]));
    expect(outcome.rejected).toEqual([expect.objectContaining({ index: -1, code: 'TYPE_CHANGED' })]);
  });
});
