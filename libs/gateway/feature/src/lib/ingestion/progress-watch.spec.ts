import type { Msg, NatsConnection, Subscription, SubscriptionOptions } from 'nats';
import { ProgressWatch } from './progress-watch';

type Callback = NonNullable<SubscriptionOptions['callback']>;

/** A NatsConnection that records the one subscription and lets the test deliver messages or refuse it. */
function fakeNats() {
  let callback: Callback | undefined;
  let closed = false;
  let closeSub: () => void = () => undefined;
  const sub = {
    closed: new Promise<void>((resolve) => (closeSub = resolve)),
    isClosed: () => closed,
    unsubscribe: () => {
      closed = true;
      closeSub();
    },
  } as unknown as Subscription;
  const nc = {
    subscribe: (subject: string, opts: SubscriptionOptions) => {
      expect(subject).toBe('ingestion.v1.events.job.progressed');
      callback = opts.callback;
      return sub;
    },
  } as unknown as NatsConnection;
  const deliver = (payload: unknown) => callback!(null, { data: new TextEncoder().encode(JSON.stringify(payload)) } as Msg);
  const refuse = () => callback!(new Error('Permissions Violation for Subscription') as never, {} as Msg);
  return { nc, deliver, refuse, sub };
}

const JOB = '5e9b4a3c-2d1f-4e8a-9b7c-6d5e4f3a2b1c';
const event = (read: number, jobId = JOB) => ({
  jobId,
  status: 'running',
  counts: { read, valid: read, quarantined: 0, written: 0, merged: 0 },
  rate: 10,
  etaSeconds: 3,
  bytesRead: read * 10,
  bytesTotal: 1000,
  position: { index: read - 1, offset: read * 10, line: read + 1 },
  at: new Date().toISOString(),
});

describe('ProgressWatch', () => {
  it("gives the job's latest pushed progress, ignoring other jobs and malformed events", async () => {
    const { nc, deliver } = fakeNats();
    const watch = new ProgressWatch(nc, JOB);
    const waiting = watch.next(5000);
    deliver(event(5, '00000000-0000-4000-8000-000000000000'));
    deliver({ jobId: JOB, status: 'nonsense' });
    deliver(event(7));
    expect((await waiting)?.counts.read).toBe(7);
    deliver(event(8));
    deliver(event(9));
    expect((await watch.next(10))?.counts.read).toBe(9);
    expect(await watch.next(10)).toBeUndefined();
    watch.close();
    expect(watch.active).toBe(false);
  });

  it('turns inactive when the subscription is refused, so that the caller polls', async () => {
    const { nc, refuse } = fakeNats();
    const watch = new ProgressWatch(nc, JOB);
    const waiting = watch.next(5000);
    refuse();
    await expect(waiting).resolves.toBeUndefined();
    expect(watch.active).toBe(false);
  });
});
