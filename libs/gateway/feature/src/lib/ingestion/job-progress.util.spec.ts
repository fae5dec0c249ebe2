import { Job } from '@vigie/ingestion-contracts';
import { jobProgress } from './job-progress.util';

const job = (over: Partial<Job>): Job => ({
  id: '00000000-0000-4000-8000-000000000001',
  source: 's',
  fileName: 'f.csv',
  format: 'csv',
  status: 'running',
  markings: { level: 'NP', compartments: [] },
  mappingId: null,
  counts: { read: 1000, valid: 1000, quarantined: 0, written: 500, merged: 0 },
  detected: { bytesTotal: 100_000 },
  position: { index: 999, offset: 25_000, line: 1001 },
  error: null,
  createdBy: 'u',
  createdAt: '2026-11-28T12:00:00.000Z',
  startedAt: '2026-11-28T12:00:00.000Z',
  finishedAt: null,
  ...over,
});

describe('jobProgress', () => {
  it('derives the average rate and the ETA from bytes read, records read and the file size', () => {
    const p = jobProgress(job({}), Date.parse('2026-11-28T12:00:10.000Z'));
    expect(p).toEqual({ bytesRead: 25_000, bytesTotal: 100_000, rate: 100, etaSeconds: 30 });
  });

  it('uses the given (instant) rate, and says 0 s left once completed, nothing when failed', () => {
    expect(jobProgress(job({}), Date.parse('2026-11-28T12:00:10.000Z'), 300).etaSeconds).toBe(10);
    const done = jobProgress(job({ status: 'completed', finishedAt: '2026-11-28T12:00:20.000Z' }));
    expect(done).toMatchObject({ bytesRead: 100_000, etaSeconds: 0, rate: 50 });
    expect(jobProgress(job({ status: 'failed' })).etaSeconds).toBeNull();
    expect(jobProgress(job({ status: 'pending', startedAt: null, position: null })).rate).toBe(0);
  });
});
