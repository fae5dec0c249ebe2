import { BatchSignal } from './batch-signal';

describe('BatchSignal', () => {
  it('wakes the waiters of one job only, at once', async () => {
    const signal = new BatchSignal();
    const a = signal.wait('a', 10_000);
    const b = signal.wait('b', 50);
    signal.notify('a');
    await expect(a).resolves.toBe(true);
    await expect(b).resolves.toBe(false);
    expect(signal.waitingJobs).toBe(0);
  });

  it('ends a wait after its timeout or when the job is aborted', async () => {
    const signal = new BatchSignal();
    const started = Date.now();
    await expect(signal.wait('a', 30)).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const abort = new AbortController();
    const waiting = signal.wait('a', 10_000, abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBe(false);
    expect(signal.waitingJobs).toBe(0);
    signal.notify('a'); // nobody waits: nothing happens
  });
});
