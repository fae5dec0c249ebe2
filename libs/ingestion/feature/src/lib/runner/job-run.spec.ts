import { ingestBatchSchema } from '@vigie/ontology-contracts';
import { batchForUploader, QUEUE_SECONDS, unwrittenLimit } from './job-run';

describe('batchForUploader', () => {
  const batch = ingestBatchSchema.parse({ batchId: 'job-1:0', jobId: 'job-1', source: 'calls', seq: 0, last: true });

  it("names the job's uploader and their clearance at creation, and changes nothing else", () => {
    const job = { createdBy: 'user-7', clearance: { level: 'DR' as const, compartments: ['cyber'] } };
    const published = batchForUploader(batch, job);
    expect(published.uploader).toEqual({ subject: 'user-7', clearance: 'DR', compartments: ['cyber'] });
    expect({ ...published, uploader: undefined }).toEqual({ ...batch, uploader: undefined });
    // What the ontology writer reads back is the same batch.
    expect(ingestBatchSchema.parse(JSON.parse(JSON.stringify(published)))).toEqual(published);
    // The job's record is not shared with the message.
    job.clearance.compartments.push('later');
    expect(published.uploader?.compartments).toEqual(['cyber']);
  });
});

describe('unwrittenLimit', () => {
  it('allows the whole share until the writer pace is known', () => {
    expect(unwrittenLimit(null, { cap: 16, floor: 8 })).toBe(16);
  });

  it('keeps a few seconds of the writer pace queued, within the floor and the cap', () => {
    expect(QUEUE_SECONDS).toBe(3);
    expect(unwrittenLimit(4, { cap: 16, floor: 4 })).toBe(12); // 4 batches/s × 3 s
    expect(unwrittenLimit(0.5, { cap: 16, floor: 4 })).toBe(4); // slow writer: half a pull still queued
    expect(unwrittenLimit(0.5, { cap: 8, floor: 2 })).toBe(2); // beside other jobs: little ahead of theirs
    expect(unwrittenLimit(50, { cap: 16, floor: 8 })).toBe(16);
    expect(unwrittenLimit(0, { cap: 4, floor: 8 })).toBe(4); // the floor never exceeds the cap
  });
});
