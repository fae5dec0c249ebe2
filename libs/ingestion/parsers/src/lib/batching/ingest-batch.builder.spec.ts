import { batchMessageId, BatchObject, ingestBatchSchema } from '@vigie/ontology-contracts';
import { RecordPosition } from '../common/parse-item.types';
import { estimateMappedSize, IngestBatchBuilder, PlannedBatch } from './ingest-batch.builder';

const JOB = '11111111-2222-4333-8444-555555555555';
const object = (i: number, size = 10): BatchObject => ({
  type: 'Person',
  sourceKey: `p:${i}`,
  properties: { fullName: 'x'.repeat(size) },
  markings: { level: 'NP', compartments: [] },
  provenance: { line: i + 2 },
});
const position = (i: number): RecordPosition => ({ index: i, line: i + 2, offset: i * 20 });

function run(records: { objects: BatchObject[] }[], options: Partial<ConstructorParameters<typeof IngestBatchBuilder>[0]> = {}, from = 0): PlannedBatch[] {
  const builder = new IngestBatchBuilder({ jobId: JOB, source: 'registry', ...options });
  const out: PlannedBatch[] = [];
  records.forEach((r, k) => {
    const i = from + k;
    const closed = builder.add(position(i), r.objects, []);
    if (closed) out.push(closed);
  });
  const last = builder.flush(true);
  if (last) out.push(last);
  return out;
}

describe('IngestBatchBuilder', () => {
  const records = Array.from({ length: 25 }, (_, i) => ({ objects: i % 5 === 4 ? [] : [object(i), object(i + 1000)] }));

  it('cuts batches by item count, never splitting a record, and marks the last one', () => {
    const batches = run(records, { maxItems: 7 });
    expect(batches.map((b) => b.batch.objects.length)).toEqual([6, 6, 6, 6, 6, 6, 4]);
    expect(batches.map((b) => b.batch.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(batches.map((b) => b.batch.last)).toEqual([false, false, false, false, false, false, true]);
    expect(batches.reduce((n, b) => n + b.records, 0)).toBe(25);
    expect(batches[0]).toMatchObject({ firstIndex: 0, lastPosition: position(2), msgId: batchMessageId({ jobId: JOB, seq: 0 }) });
    expect(batches[0].batch.batchId).toBe(`${JOB}:0`);
    for (const b of batches) expect(ingestBatchSchema.safeParse(b.batch).success).toBe(true);
  });

  it('cuts batches by estimated size; a record larger than the limit gets a batch of its own', () => {
    const sized = [{ objects: [object(0)] }, { objects: [object(1, 5000)] }, { objects: [object(2)] }, { objects: [object(3)] }];
    const batches = run(sized, { maxBytes: 1000 });
    expect(batches.map((b) => b.batch.objects.map((o) => o.sourceKey))).toEqual([['p:0'], ['p:1'], ['p:2', 'p:3']]);
    expect(estimateMappedSize([object(1, 5000)], [])).toBeGreaterThan(5000);
  });

  it('cuts the same batches again when a job resumes from an acknowledged batch (same seq, ids, content)', () => {
    const first = run(records, { maxItems: 7 });
    const ackedBatch = first[2];
    const resumeFrom = (ackedBatch.lastPosition as RecordPosition).index + 1;
    const again = run(records.slice(resumeFrom), { maxItems: 7, startSeq: ackedBatch.batch.seq + 1 }, resumeFrom);
    expect(again).toEqual(first.slice(3));
  });

  it('sends an empty last batch when the job ends on a boundary', () => {
    const builder = new IngestBatchBuilder({ jobId: JOB, source: 's' });
    expect(builder.flush(false)).toBeNull();
    const last = builder.flush(true);
    expect(last?.batch).toEqual({ batchId: `${JOB}:end`, jobId: JOB, source: 's', seq: 0, last: true, objects: [], links: [] });
    expect(builder.nextSeq).toBe(1);
  });

  it('starts a new batch before a record that says something different about a key of the open batch', () => {
    const office = (i: number, lat: number): BatchObject => ({
      type: 'Location',
      sourceKey: 'address:75011:51 rue du Général-de-Gaulle',
      properties: { point: { lat, lon: 2.35 } },
      markings: { level: 'NP', compartments: [] },
      provenance: { recordKey: String(i), line: i + 1 },
    });
    // Records 0 and 1 name the office with the same coordinates (kept together), record 3 with others.
    const sized = [{ objects: [object(0), office(0, 48.8)] }, { objects: [object(1), office(1, 48.8)] }, { objects: [object(2)] }, { objects: [object(3), office(3, 48.9)] }, { objects: [object(4)] }];
    const batches = run(sized);
    expect(batches.map((b) => b.records)).toEqual([3, 2]);
    expect(batches.map((b) => b.batch.objects.map((o) => o.provenance.recordKey ?? o.sourceKey))).toEqual([['p:0', '0', 'p:1', '1', 'p:2'], ['p:3', '3', 'p:4']]);
    // The same cut again when the file is read again (resume): it depends only on the records.
    expect(run(sized)).toEqual(batches);
  });

  it('treats a link repeated with other properties as a conflict too, an identical one not', () => {
    const link = (i: number, role: string) => ({ type: 'uses', fromSourceKey: 'p:1', toSourceKey: 'phone:1', properties: { role }, markings: { level: 'NP' as const, compartments: [] }, provenance: { recordKey: String(i) } });
    const builder = new IngestBatchBuilder({ jobId: JOB, source: 's' });
    expect(builder.add(position(0), [], [link(0, 'a')])).toBeNull();
    expect(builder.add(position(1), [], [link(1, 'a')])).toBeNull();
    const closed = builder.add(position(2), [], [link(2, 'b')]);
    expect(closed?.batch.links.map((l) => l.provenance.recordKey)).toEqual(['0', '1']);
    expect(builder.flush(true)?.batch.links.map((l) => l.provenance.recordKey)).toEqual(['2']);
  });
});
