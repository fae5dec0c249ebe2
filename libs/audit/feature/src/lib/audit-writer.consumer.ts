import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { AuditEvent, auditEventContractFor, AuditEventContract, AUDIT_EVENTS_FILTER } from '@vigie/audit-contracts';
import { DurableConsumer, DurableConsumerDeclaration, NATS_CONNECTION, PoisonMessageError } from '@vigie/shared-messaging';
import { createLogger, Logger } from '@vigie/shared-telemetry';
import { AUDIT_CONFIG, AuditServiceConfig } from './audit-feature.config';
import { AuditWriter } from './audit-writer.service';

/**
 * The audit service's durable consumer on the AUDIT stream. Redelivery is generous (a database
 * outage must not dead-letter audit events), and the stream keeps acknowledged events for its
 * retention period, so they can be replayed.
 */
export const AUDIT_WRITER_CONSUMER: DurableConsumerDeclaration = {
  stream: 'AUDIT',
  durable: 'audit-writer',
  filterSubject: AUDIT_EVENTS_FILTER,
  maxDeliver: 100,
  backoffMs: [1000, 2000, 5000, 10000, 30000, 60000],
  // Bounds what is delivered and not yet acked: two batches, handled
  // well within ack_wait (30 s) even on a starved machine, so buffered events are not redelivered
  // while they wait (a deeper buffer made them expire and come back in a spiral under load).
  maxAckPending: 1000,
};

export const AUDIT_DEAD_LETTER_SUBJECT = 'audit.v1.deadletter.audit';

/** PostgreSQL `jsonb` cannot hold U+0000; such an event can never be stored as is. */
function assertStorable(event: AuditEvent): void {
  if (JSON.stringify(event).includes('\\u0000')) {
    throw new PoisonMessageError(`Audit event ${event.id} holds a NUL character, which the audit store cannot keep`);
  }
}

/**
 * A batch the database refuses for its data (SQLSTATE class 22 data exception, 23 integrity
 * violation — e.g. a date PostgreSQL cannot hold) would fail on every redelivery: it is turned
 * into a poison error, so the consumer retries the batch one event at a time and dead-letters only
 * the bad one. Anything else (connection lost, database down) stays transient: nak and retry.
 */
export function asPoisonIfData(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code)) {
    return new PoisonMessageError(`The audit store refused the event data (SQLSTATE ${code}): ${(error as Error).message}`);
  }
  return error;
}

@Injectable()
export class AuditWriterConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: DurableConsumer<AuditEventContract>;
  private timer?: NodeJS.Timeout;
  private readonly logger: Logger;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly writer: AuditWriter,
    @Inject(AUDIT_CONFIG) private readonly config: AuditServiceConfig,
  ) {
    this.logger = createLogger('audit', config.LOG_LEVEL);
  }

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer(this.nc, {
      ...AUDIT_WRITER_CONSUMER,
      contract: auditEventContractFor('audit.query'),
      deadLetterSubject: AUDIT_DEAD_LETTER_SUBJECT,
      batchSize: this.config.AUDIT_BATCH_SIZE,
      // One transaction per batch, then one flushed ack for the whole batch. A lost ack only
      // redelivers events the writer already chained: it skips them (event id = Nats-Msg-Id,
      // unique per tenant), so each event is chained exactly once.
      ackMode: 'batch',
      // Fetch, not the `consume` pull: with `consume`, the last events of a burst stayed buffered
      // until ack_wait redelivered them (30 s late; seen on a fresh stack in npm test).
      logger: this.logger,
      handleBatch: async (items) => {
        const events = items.map(({ payload }) => payload as AuditEvent);
        events.forEach(assertStorable);
        const result = await this.writer.appendBatch(events).catch((error: unknown) => {
          throw asPoisonIfData(error);
        });
        if (result.duplicates) this.logger.info({ duplicates: result.duplicates }, 'redelivered audit events skipped');
      },
    });
    this.consumer.start();
    this.timer = setInterval(() => {
      this.writer.checkpointPending().catch((error: Error) => this.logger.warn({ err: error.message }, 'periodic checkpoint failed'));
    }, Math.min(this.config.AUDIT_CHECKPOINT_SECONDS * 1000, 60_000) / 2);
    this.timer.unref();
  }

  /** Stops pulling and waits for the batch in hand (idempotent; called before the store closes). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.consumer?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
