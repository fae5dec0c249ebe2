import { Job } from '@vigie/ingestion-contracts';

/** What the API adds to a job: where it stands in its file, its rate and its ETA. */
export interface JobProgress {
  bytesRead: number;
  bytesTotal: number | null;
  /** Records read per second: since the start (GET), or over the last interval (SSE). */
  rate: number;
  etaSeconds: number | null;
}

/** Average progress of a job from its counts, position and file size. */
export function jobProgress(job: Job, now = Date.now(), rate?: number): JobProgress {
  const total = typeof job.detected?.['bytesTotal'] === 'number' ? (job.detected['bytesTotal'] as number) : null;
  const bytesRead = job.status === 'completed' && total !== null ? total : Math.min(job.position?.offset ?? 0, total ?? Number.MAX_SAFE_INTEGER);
  const started = job.startedAt ? Date.parse(job.startedAt) : null;
  const ended = job.finishedAt ? Date.parse(job.finishedAt) : now;
  const elapsed = started !== null ? Math.max(0.001, (ended - started) / 1000) : 0;
  const average = elapsed > 0 ? job.counts.read / elapsed : 0;
  const r = rate ?? average;
  let etaSeconds: number | null = null;
  if (job.status === 'completed') etaSeconds = 0;
  else if (job.status === 'running' && total !== null && bytesRead > 0 && job.counts.read > 0 && r > 0) {
    etaSeconds = Math.round((total - bytesRead) / (bytesRead / job.counts.read) / r);
  }
  return { bytesRead, bytesTotal: total, rate: Math.round(r * 10) / 10, etaSeconds };
}
