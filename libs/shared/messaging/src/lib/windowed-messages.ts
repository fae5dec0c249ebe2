import { AckPolicy, DeliverPolicy, JetStreamClient, JsMsg, nanos } from 'nats';

export interface WindowedMessagesOptions {
  /** Messages asked of the server at a time: at most this many wait in the client unread. */
  window: number;
  /** How many messages the subject holds, when known: a fetch never asks for more than are left (a fetch short of its count waits for its expiry). */
  expected?: number;
  /** How long one fetch waits for messages the server has not sent yet (≥ 1000 ms). */
  expiresMs?: number;
}

/**
 * Every message of `filterSubject` (wildcards allowed) in `stream`, in stream order, read with
 * bounded memory: `window` messages are fetched, and the next window only once the caller has
 * taken them all. Ends at the subject's last message (`pending` 0) or when a fetch brings nothing.
 *
 * Neither `ObjectStore.get()` nor a pull consumer's `consume()` does this: both ask the server for
 * more as soon as messages *arrive*, not as they are processed, and queue them — a 5,000,000-row
 * upload (335 MB) sat whole in the ingestion service's memory a few seconds into its job. The
 * ordered consumer's `fetch()` dropped the rest of a window read slower than it arrived, so this is
 * a plain ephemeral pull consumer without acks, deleted at the end (or left to expire if the
 * process dies).
 */
export async function* windowedMessages(js: JetStreamClient, stream: string, filterSubject: string, options: WindowedMessagesOptions): AsyncGenerator<JsMsg> {
  const jsm = await js.jetstreamManager();
  const created = await jsm.consumers.add(stream, {
    filter_subject: filterSubject,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    mem_storage: true,
    inactive_threshold: nanos(5 * 60_000),
  });
  const consumer = await js.consumers.get(stream, created.name);
  let received = 0;
  try {
    for (let more = true; more; ) {
      const left = options.expected !== undefined ? options.expected - received : options.window;
      if (left <= 0) return;
      const messages = await consumer.fetch({ max_messages: Math.min(options.window, left), expires: options.expiresMs ?? 10_000 });
      let got = 0;
      for await (const m of messages) {
        got += 1;
        received += 1;
        if (m.info.pending === 0) more = false;
        yield m;
      }
      if (got === 0) more = false;
    }
  } finally {
    await jsm.consumers.delete(stream, created.name).catch(() => undefined);
  }
}
