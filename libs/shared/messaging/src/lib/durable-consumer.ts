import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { headers as natsHeaders, JsMsg, JSONCodec, NatsConnection } from 'nats';
import { EventContract, Headers, PayloadOf } from '@vigie/shared-contracts';
import { runWithCaller } from './caller-context';
import { readHeader } from './headers';
import { consumerConfig, DurableConsumerDeclaration, STREAMS } from './streams';

const codec = JSONCodec<unknown>();
const tracer = trace.getTracer('vigie-messaging');

/** Thrown by a handler for a message that can never succeed: it is dead-lettered at once. */
export class PoisonMessageError extends Error {}

export interface ConsumerLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DurableConsumerOptions<C extends EventContract> extends DurableConsumerDeclaration {
  contract: C;
  /** Where poison messages go, e.g. `ontology.v1.deadletter.ingest`. */
  deadLetterSubject: string;
  /** Messages fetched per pull; handed to `handleBatch` together. */
  batchSize?: number;
  /**
   * Bounds a pull by size (bytes of the messages) instead of `batchSize`, for streams whose
   * messages vary a lot in size (e.g. pages of records). Must exceed the largest message the
   * stream can hold (the server's maximum payload), or that message could never be delivered.
   */
  maxBytes?: number;
  /**
   * How a handled batch is acknowledged.
   * - `each` (default): every message with `ackAck` (one round trip per message; the server
   *   confirms each ack).
   * - `batch`: every message with `ack` (no reply awaited), then one `flush`: the acks have reached
   *   the server when the batch counts as done. An ack lost on the way only causes a redelivery,
   *   which an idempotent handler skips — the handler's deduplication carries exactly-once.
   */
  ackMode?: 'each' | 'batch';
  /**
   * Handles a batch. Must be idempotent: a redelivered message changes nothing the second time.
   * Resolve to ack all; throw to nak all (transient failure, redelivered with backoff); throw
   * {@link PoisonMessageError} when retrying cannot help.
   */
  handleBatch(items: { payload: PayloadOf<C>; msg: JsMsg }[]): Promise<void>;
  logger: ConsumerLogger;
}

/**
 * A JetStream durable pull consumer with explicit acks, bounded redelivery with backoff, `nak` on
 * transient failure and a dead-letter subject for poison messages (never a silent `term`).
 */
export class DurableConsumer<C extends EventContract> {
  private running = false;
  private loop?: Promise<void>;
  private readonly backoff: number[];
  private readonly maxDeliver: number;
  private readonly ackWaitMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: DurableConsumerOptions<C>,
  ) {
    const config = consumerConfig(options);
    this.maxDeliver = config.max_deliver ?? 8;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.backoff = options.backoffMs ?? [1000, 5000, 15000, 30000, 60000];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const js = this.nc.jetstream();
    const stream = STREAMS[this.options.stream].name;
    while (this.running && !this.nc.isClosed()) {
      try {
        const consumer = await js.consumers.get(stream, this.options.durable);
        while (this.running) {
          // One pull at a time, never overlapping the handling of a batch: the client closes a pull
          // shortly after its `expires`, and on a busy event loop messages the server sent just
          // before would arrive after that close — dropped, then redelivered only after ack_wait.
          const batch: JsMsg[] = [];
          // The client takes one bound per pull: bytes when set, else messages.
          const messages = await consumer.fetch(this.options.maxBytes ? { max_bytes: this.options.maxBytes, expires: 1000 } : { max_messages: this.options.batchSize ?? 64, expires: 1000 });
          for await (const m of messages) batch.push(m);
          if (batch.length) await this.process(batch);
        }
      } catch (error) {
        if (!this.running || this.nc.isClosed()) return;
        this.options.logger.warn({ err: (error as Error).message, durable: this.options.durable }, 'consumer loop failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async ackAll(messages: JsMsg[]): Promise<void> {
    if (this.options.ackMode === 'batch') {
      for (const msg of messages) msg.ack();
      await this.nc.flush();
      return;
    }
    await Promise.all(messages.map((msg) => msg.ackAck()));
  }

  private async process(batch: JsMsg[]): Promise<void> {
    const valid: { payload: PayloadOf<C>; msg: JsMsg }[] = [];
    for (const msg of batch) {
      let decoded: unknown;
      try {
        decoded = codec.decode(msg.data);
      } catch {
        await this.deadLetter(msg, 'payload is not JSON');
        continue;
      }
      const parsed = this.options.contract.payload.safeParse(decoded);
      if (!parsed.success) {
        await this.deadLetter(msg, `payload does not match ${this.options.contract.subject}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        continue;
      }
      valid.push({ payload: parsed.data as PayloadOf<C>, msg });
    }
    if (!valid.length) return;
    const first = valid[0].msg;
    const parent = propagation.extract(ROOT_CONTEXT, first.headers, {
      get: (h, key) => readHeader(h, key),
      keys: (h) => (h ? Array.from(h.keys()) : []),
    });
    const span = tracer.startSpan(`${this.options.stream} process`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.batch.message_count': valid.length } }, parent);
    const caller = { authorization: readHeader(first.headers, Headers.authorization), purpose: readHeader(first.headers, Headers.purpose) };
    // A long batch keeps its messages from being redelivered while it is still being handled.
    const keepAlive = setInterval(() => valid.forEach(({ msg }) => msg.working()), Math.max(1000, this.ackWaitMs / 3));
    try {
      await context.with(trace.setSpan(parent, span), () => runWithCaller(caller, () => this.options.handleBatch(valid)));
      await this.ackAll(valid.map(({ msg }) => msg));
    } catch (error) {
      if (valid.length > 1 && error instanceof PoisonMessageError) {
        // Find the poison one: retry one by one so that the good messages of the batch still pass.
        for (const item of valid) await this.processOne(item);
      } else {
        for (const { msg } of valid) await this.fail(msg, error as Error);
      }
    } finally {
      clearInterval(keepAlive);
      span.end();
    }
  }

  private async processOne(item: { payload: PayloadOf<C>; msg: JsMsg }): Promise<void> {
    try {
      await this.options.handleBatch([item]);
      await this.ackAll([item.msg]);
    } catch (error) {
      await this.fail(item.msg, error as Error);
    }
  }

  private async fail(msg: JsMsg, error: Error): Promise<void> {
    const deliveries = msg.info.redeliveryCount;
    if (error instanceof PoisonMessageError || deliveries >= this.maxDeliver) {
      await this.deadLetter(msg, error.message);
      return;
    }
    const delay = this.backoff[Math.min(deliveries - 1, this.backoff.length - 1)];
    this.options.logger.warn({ err: error.message, deliveries, delayMs: delay, durable: this.options.durable }, 'message failed; will be redelivered');
    msg.nak(delay);
  }

  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const js = this.nc.jetstream();
    const h = msg.headers;
    const headers = natsHeaders();
    if (h) for (const [key, values] of h) for (const v of values) headers.append(key, v);
    headers.set('x-dead-letter-reason', reason.slice(0, 1000));
    headers.set('x-dead-letter-subject', msg.subject);
    headers.set('x-dead-letter-deliveries', String(msg.info.redeliveryCount));
    try {
      await js.publish(this.options.deadLetterSubject, msg.data, { headers, msgID: `${msg.info.stream}-${msg.seq}` });
      this.options.logger.error({ reason, subject: msg.subject, seq: msg.seq }, 'message dead-lettered');
      await msg.ackAck();
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message, seq: msg.seq }, 'dead-lettering failed; message will be redelivered');
      msg.nak(this.backoff[0]);
    }
  }
}
