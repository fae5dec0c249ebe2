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

/** Where a consumer that met a subject it does not know is held (see `knownSubjects`). */
export interface ConsumerHold {
  /** The subject this build does not know (a newer producer's event type). */
  subject: string;
  /** Stream sequence of the held message: nothing at or after it is acknowledged by this process. */
  seq: number;
  /** When the hold began (ISO 8601). */
  since: string;
  /** Times this process has offered the held message back (nak) so far. */
  offeredBack: number;
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
  /**
   * The exact subjects this build understands. When set, a message on any other subject (an event
   * type of a newer producer, during a rolling upgrade) is neither acknowledged nor dead-lettered:
   * it is offered back (`nak` after `holdDelayMs`) for a replica that knows it, and so is every
   * later message — the consumer applies nothing past it (stream order) until the held message is
   * acknowledged (the consumer's ack floor reaches it). Pair with `redeliverForever`, or the
   * server's `max_deliver` ends the hold by skipping the message. A message on a known subject that
   * fails the contract stays poison (dead-lettered). Unset: every subject is handled (as before).
   */
  knownSubjects?: readonly string[];
  /** Delay before a held message is offered again, and between pulls while held. Default 15 000 ms. */
  holdDelayMs?: number;
  /** What the operator must do, in the hold's warning, e.g. `upgrade analytics`. */
  upgradeHint?: string;
  /** Called when a hold begins, is renewed, and ends (`undefined`). */
  onHold?(hold: ConsumerHold | undefined): void;
}

/** Warnings about a continuing hold, at most one per this interval (a new hold warns at once). */
const HOLD_WARN_EVERY_MS = 60_000;
/** Bounds the per-process failure counts of a `redeliverForever` consumer. */
const MAX_TRACKED_FAILURES = 10_000;

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
  private readonly known?: ReadonlySet<string>;
  private readonly holdDelayMs: number;
  private hold?: ConsumerHold & { warnedAt: number };
  /** Failed handlings per stream sequence, when the server redelivers forever. */
  private readonly failures = new Map<number, number>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: DurableConsumerOptions<C>,
  ) {
    const config = consumerConfig(options);
    this.maxDeliver = config.max_deliver ?? 8;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.backoff = options.backoffMs ?? [1000, 5000, 15000, 30000, 60000];
    // With `redeliverForever` the server's count is unlimited: the declared bound is ours to keep.
    if (options.redeliverForever) this.maxDeliver = options.maxDeliver ?? 8;
    if (options.knownSubjects) this.known = new Set(options.knownSubjects);
    this.holdDelayMs = options.holdDelayMs ?? 15_000;
  }

  /** Where the consumer is held, if it is (a subject this build does not know). */
  held(): ConsumerHold | undefined {
    if (!this.hold) return undefined;
    const { warnedAt: _warnedAt, ...hold } = this.hold;
    return hold;
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
          if (this.hold) {
            // Held: no pull before the held message can have been taken by a replica that knows it.
            if (await this.holdReleased()) this.endHold();
            else await this.pause(this.holdDelayMs);
          }
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

  private async pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.running && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
  }

  /**
   * Handles a pull, except, when held, the held message and everything after it in the stream:
   * those are offered back (`nak` after `holdDelayMs`) and never count as failures. The lowest
   * message of the pull on an unknown subject starts a hold.
   */
  private async process(batch: JsMsg[]): Promise<void> {
    const past = this.hold && batch.some((m) => m.seq > (this.hold?.seq ?? 0));
    if (past && (await this.holdReleased())) this.endHold();
    const unknown = this.known ? batch.filter((m) => !this.known?.has(m.subject)) : [];
    if (unknown.length) this.beginHold(unknown.reduce((a, b) => (b.seq < a.seq ? b : a)));
    const hold = this.hold;
    if (!hold) return this.handle(batch);
    const offered = batch.filter((m) => m.seq >= hold.seq);
    if (offered.length) {
      for (const msg of offered) msg.nak(this.holdDelayMs);
      await this.nc.flush();
      if (offered.some((m) => m.seq === hold.seq)) hold.offeredBack += 1;
      this.options.onHold?.(this.held());
    }
    const before = batch.filter((m) => m.seq < hold.seq);
    if (before.length) await this.handle(before);
  }

  private beginHold(msg: JsMsg): void {
    const now = Date.now();
    if (this.hold && this.hold.seq < msg.seq) return;
    if (this.hold?.seq === msg.seq) {
      if (now - this.hold.warnedAt < HOLD_WARN_EVERY_MS) return;
    } else {
      this.hold = { subject: msg.subject, seq: msg.seq, since: new Date(now).toISOString(), offeredBack: 0, warnedAt: 0 };
    }
    this.hold.warnedAt = now;
    const hint = this.options.upgradeHint ?? 'upgrade this service';
    this.options.logger.warn(
      { subject: msg.subject, seq: msg.seq, durable: this.options.durable, heldSince: this.hold.since, offeredBack: this.hold.offeredBack, holdDelayMs: this.holdDelayMs },
      `unknown event subject ${msg.subject}: consumer ${this.options.durable} holds at stream sequence ${msg.seq} and applies nothing after it until a replica that knows the subject takes it — ${hint}`,
    );
  }

  private endHold(): void {
    if (!this.hold) return;
    const { subject, seq, since } = this.hold;
    this.hold = undefined;
    this.options.logger.warn({ subject, seq, durable: this.options.durable, heldSince: since }, `hold on ${subject} ended: another replica acknowledged it; consumer ${this.options.durable} continues`);
    this.options.onHold?.(undefined);
  }

  /** The held message is acknowledged (by a replica that knows its subject), and everything before it. */
  private async holdReleased(): Promise<boolean> {
    if (!this.hold) return true;
    try {
      const jsm = await this.nc.jetstreamManager();
      const info = await jsm.consumers.info(STREAMS[this.options.stream].name, this.options.durable);
      return info.ack_floor.stream_seq >= this.hold.seq;
    } catch {
      return false;
    }
  }

  private async handle(batch: JsMsg[]): Promise<void> {
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
      this.forget(valid.map(({ msg }) => msg));
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
      this.forget([item.msg]);
    } catch (error) {
      await this.fail(item.msg, error as Error);
    }
  }

  /** Deliveries that count towards `maxDeliver`: the server's, or this process's failures when the server redelivers forever. */
  private countFailure(msg: JsMsg): number {
    if (!this.options.redeliverForever) return msg.info.redeliveryCount;
    const n = (this.failures.get(msg.seq) ?? 0) + 1;
    this.failures.delete(msg.seq);
    this.failures.set(msg.seq, n);
    if (this.failures.size > MAX_TRACKED_FAILURES) this.failures.delete(this.failures.keys().next().value as number);
    return n;
  }

  private forget(messages: JsMsg[]): void {
    if (this.failures.size) for (const msg of messages) this.failures.delete(msg.seq);
  }

  private async fail(msg: JsMsg, error: Error): Promise<void> {
    const deliveries = this.countFailure(msg);
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
      this.forget([msg]);
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message, seq: msg.seq }, 'dead-lettering failed; message will be redelivered');
      msg.nak(this.backoff[0]);
    }
  }
}
