import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventPublisher } from '@vigie/shared-messaging';
import { messageJson, OntologyDatabase, OutboxMessage, OutboxRepository, PendingOutboxMessage } from '@vigie/ontology-data-access';

const encoder = new TextEncoder();
/** The bytes JetStream receives: the payload's JSON text (as nats' JSONCodec encodes it), encoded once. */
const encode = (m: OutboxMessage): Uint8Array => encoder.encode(messageJson(m));
const PAGE = 500;
/** Publishes in flight at once when publishing from memory (JetStream acknowledges them as they land). */
export const PUBLISH_WINDOW = 1024;
/** Age from which the periodic flush takes a message (younger ones are their writer's to publish). */
const LEFTOVER_AGE_MS = 3000;

/**
 * Publishes the outbox after each change (and every few seconds, for messages a failed publish
 * left behind). Rows are deleted in the transaction that published them: a failure rolls back and
 * they are published again later; `Nats-Msg-Id` makes that repeat harmless.
 */
@Injectable()
export class OutboxPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ontology-outbox');
  private readonly outbox = new OutboxRepository();
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly db: OntologyDatabase,
    private readonly publisher: EventPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      // Leftovers only: messages younger than LEFTOVER_AGE_MS are being published by their writer (`publish`).
      this.flush(LEFTOVER_AGE_MS).catch((error: unknown) => this.logger.warn(`outbox flush failed: ${(error as Error).message}`));
    }, 5000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Publishes every pending message; resolves with how many were published; throws if JetStream did not acknowledge. */
  async flush(olderThanMs = 0): Promise<number> {
    // One flush at a time per process; a second caller waits for the running one, then runs its own.
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.drain(olderThanMs);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * Publishes exactly these messages (ids returned by `OutboxRepository.add`, once their
   * transaction committed), taken by primary key without scanning the outbox — the ingest hot
   * path's publish. Messages a concurrent flush already took are skipped: that flush publishes
   * them before it commits, and this call waits for its commit. Throws if JetStream did not
   * acknowledge (the messages stay for the next flush).
   */
  async publish(ids: readonly string[]): Promise<number> {
    let total = 0;
    for (let i = 0; i < ids.length; i += PAGE) {
      total += await this.db.transaction(async (sql) => {
        const messages = await this.outbox.takeIds(sql, ids.slice(i, i + PAGE));
        await Promise.all(messages.map((m) => this.publisher.publishRaw(m.subject, encode(m), m.msgId)));
        return messages.length;
      });
    }
    return total;
  }

  /**
   * Publishes messages the caller committed to the outbox and still holds in memory (ids from
   * `OutboxRepository.addEntries`): no transaction around the publishes and no payload read back —
   * up to `PUBLISH_WINDOW` publishes in flight, then ONE delete of their rows. Throws if JetStream
   * did not acknowledge one (every row stays for the periodic flush; `Nats-Msg-Id` makes the repeat
   * harmless). A periodic flush that took some of these rows meanwhile publishes them again: also
   * deduplicated by id.
   */
  async publishMessages(messages: readonly PendingOutboxMessage[]): Promise<number> {
    if (!messages.length) return 0;
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const m = messages[next++];
        await this.publisher.publishRaw(m.subject, encode(m), m.msgId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUBLISH_WINDOW, messages.length) }, worker));
    await this.db.read((sql) => this.outbox.remove(sql, messages.map((m) => m.id)));
    return messages.length;
  }

  private async drain(olderThanMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.db.transaction(async (sql) => {
        const messages = await this.outbox.take(sql, PAGE, olderThanMs);
        await Promise.all(messages.map((m) => this.publisher.publishRaw(m.subject, encode(m), m.msgId)));
        return messages.length;
      });
      total += n;
      if (n < PAGE) return total;
    }
  }
}
