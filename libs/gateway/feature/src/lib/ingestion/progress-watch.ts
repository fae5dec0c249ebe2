import { jobProgressed, JobProgressedPayload } from '@vigie/ingestion-contracts';
import type { NatsConnection, Subscription } from 'nats';

/**
 * The progress events of one job (`ingestion.v1.events.job.progressed`, core NATS), as they are
 * published: `next(ms)` gives the latest one not yet taken, or `undefined` after `ms`. Only the
 * latest event is kept (a slow SSE client skips intermediate counts, never falls behind).
 * `active` turns false when the subscription is refused (a NATS configuration without the
 * gateway's `subscribes` permission) or closed: the caller then polls.
 */
export class ProgressWatch {
  active = true;
  private latest: JobProgressedPayload | undefined;
  private waiter: (() => void) | undefined;
  private readonly sub: Subscription | undefined;

  constructor(nc: NatsConnection, private readonly jobId: string) {
    try {
      this.sub = nc.subscribe(jobProgressed.subject, {
        callback: (err, msg) => {
          if (err) {
            this.stop();
            return;
          }
          let payload: unknown;
          try {
            payload = JSON.parse(new TextDecoder().decode(msg.data));
          } catch {
            return;
          }
          const parsed = jobProgressed.payload.safeParse(payload);
          if (!parsed.success || parsed.data.jobId !== this.jobId) return;
          this.latest = parsed.data;
          this.wake();
        },
      });
      void this.sub.closed.then(() => this.stop(), () => this.stop());
    } catch {
      this.active = false;
    }
  }

  next(timeoutMs: number): Promise<JobProgressedPayload | undefined> {
    const take = () => {
      const value = this.latest;
      this.latest = undefined;
      return value;
    };
    if (this.latest || !this.active) return Promise.resolve(take());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(take());
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(take());
      };
    });
  }

  close(): void {
    if (this.sub && !this.sub.isClosed()) this.sub.unsubscribe();
    this.stop();
  }

  private stop(): void {
    this.active = false;
    this.wake();
  }

  private wake(): void {
    this.waiter?.();
  }
}
