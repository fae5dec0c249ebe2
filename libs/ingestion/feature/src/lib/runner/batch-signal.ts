import { Injectable } from '@nestjs/common';

/**
 * In-process wake-up between the consumers that close a job's batches (`batch.processed`, dead
 * letters) and the job's reader waiting for room under its back-pressure bound: the reader
 * re-counts at once instead of sleeping a polling interval. Best effort — the outcome may reach
 * another replica — so waits always end after a timeout too.
 */
@Injectable()
export class BatchSignal {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** A batch of `jobId` was closed (written or quarantined). */
  notify(jobId: string): void {
    const waiters = this.waiting.get(jobId);
    if (!waiters) return;
    this.waiting.delete(jobId);
    for (const wake of waiters) wake();
  }

  /** Resolves on the next `notify(jobId)`, after `timeoutMs`, or when `signal` aborts; true when notified. */
  wait(jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let waiters = this.waiting.get(jobId);
      if (!waiters) this.waiting.set(jobId, (waiters = new Set()));
      const set = waiters;
      const done = (notified: boolean) => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiting.get(jobId) === set) this.waiting.delete(jobId);
        signal?.removeEventListener('abort', onAbort);
        resolve(notified);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      set.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Jobs with a reader waiting (for tests and diagnostics). */
  get waitingJobs(): number {
    return this.waiting.size;
  }
}
