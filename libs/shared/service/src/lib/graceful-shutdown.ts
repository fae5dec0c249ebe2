import type { Logger } from '@vigie/shared-telemetry';

/** One step of a shutdown (close the HTTP server, drain NATS, flush telemetry…) and how long it may take. */
export interface ShutdownStep {
  name: string;
  run(): Promise<unknown> | unknown;
  /** Longest wait for this step; past it the step is abandoned (logged) and the next one runs. */
  timeoutMs: number;
}

export interface ShutdownReport {
  totalMs: number;
  steps: { name: string; ms: number; outcome: 'done' | 'timed out' | 'failed'; error?: string }[];
}

/**
 * Runs the steps in order, each bounded by its own timeout, so that one slow step (an exporter
 * retrying an unreachable collector, a client that keeps a stream open) can no longer hold the
 * process until the supervisor's SIGKILL: the whole shutdown takes at most the sum of the
 * timeouts. A step that throws or times out is logged and the next one still runs.
 */
export async function runShutdown(steps: ShutdownStep[], logger?: Pick<Logger, 'info' | 'warn'>): Promise<ShutdownReport> {
  const started = Date.now();
  const report: ShutdownReport = { totalMs: 0, steps: [] };
  for (const step of steps) {
    const stepStarted = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), step.timeoutMs);
      timer.unref();
    });
    let outcome: 'done' | 'timed out' | 'failed';
    let error: string | undefined;
    try {
      outcome = await Promise.race([Promise.resolve().then(() => step.run()).then(() => 'done' as const), timeout]);
    } catch (e) {
      outcome = 'failed';
      error = (e as Error).message;
    } finally {
      clearTimeout(timer);
    }
    const entry = { name: step.name, ms: Date.now() - stepStarted, outcome, ...(error ? { error } : {}) };
    report.steps.push(entry);
    if (outcome !== 'done') logger?.warn(entry, `shutdown step "${step.name}" ${outcome === 'failed' ? 'failed' : `did not finish in ${step.timeoutMs} ms`}; going on`);
  }
  report.totalMs = Date.now() - started;
  logger?.info(report, `stopped in ${report.totalMs} ms`);
  return report;
}
