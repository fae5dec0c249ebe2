import { JobProgressedPayload, jobProgressed } from '@vigie/ingestion-contracts';
import { JobRecord, toJobView } from '@vigie/ingestion-data-access';
import { JSONCodec, NatsConnection } from 'nats';
import { outgoingHeaders } from '@vigie/shared-messaging';

const codec = JSONCodec<JobProgressedPayload>();

/** Rate (records/s over the last interval) and ETA (from bytes read and the file size) of a job. */
export class ProgressMeter {
  private lastAt = 0;
  private lastRead = 0;
  private rate = 0;

  payload(job: JobRecord, now = Date.now()): JobProgressedPayload {
    const view = toJobView(job);
    if (this.lastAt === 0) {
      const started = job.startedAt ? Date.parse(job.startedAt) : now;
      this.lastAt = started;
      this.lastRead = 0;
    }
    const dt = (now - this.lastAt) / 1000;
    if (dt >= 0.5) {
      const instant = Math.max(0, (view.counts.read - this.lastRead) / dt);
      this.rate = this.rate === 0 ? instant : 0.5 * this.rate + 0.5 * instant;
      this.lastAt = now;
      this.lastRead = view.counts.read;
    }
    const bytesRead = job.status === 'completed' ? job.objectSize : Math.min(job.position?.offset ?? 0, job.objectSize);
    const bytesPerRecord = view.counts.read > 0 ? bytesRead / view.counts.read : 0;
    const remaining = job.objectSize - bytesRead;
    const etaSeconds =
      job.status !== 'running' ? (job.status === 'completed' ? 0 : null) : this.rate > 0 && bytesPerRecord > 0 ? Math.round(remaining / bytesPerRecord / this.rate) : null;
    return {
      jobId: job.id,
      status: job.status,
      counts: view.counts,
      rate: Math.round(this.rate * 10) / 10,
      etaSeconds,
      bytesRead,
      bytesTotal: job.objectSize,
      position: job.position,
      at: new Date(now).toISOString(),
    };
  }
}

/** Publishes `ingestion.v1.events.job.progressed` on core NATS (best effort: progress is not a record of truth). */
export function publishProgress(nc: NatsConnection, payload: JobProgressedPayload): void {
  if (nc.isClosed()) return;
  const parsed = jobProgressed.payload.safeParse(payload);
  if (!parsed.success) return;
  try {
    nc.publish(jobProgressed.subject, codec.encode(parsed.data), { headers: outgoingHeaders({}) });
  } catch {
    // disconnected: the next tick publishes again
  }
}
