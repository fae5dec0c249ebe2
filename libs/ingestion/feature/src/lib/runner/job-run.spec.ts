import { ingestBatchSchema } from '@vigie/ontology-contracts';
import { batchForUploader } from './job-run';

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
