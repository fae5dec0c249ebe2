import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { JsMsg, NatsConnection } from 'nats';
import { Actor, ActorResolver } from '@vigie/shared-auth';
import { ErrorKind, Headers, VigieException } from '@vigie/shared-contracts';
import { IngestBatch, ingestBatchSubmitted, INGEST_STREAM } from '@vigie/ontology-contracts';
import { DurableConsumer, DurableConsumerDeclaration, NATS_CONNECTION, PoisonMessageError, readHeader } from '@vigie/shared-messaging';
import { OutboxPublisher } from '../services/outbox-publisher.service';
import { IngestService, IngestWritten } from './ingest.service';

/** INGEST messages pulled and handled together (one transaction, their acks, then one outbox publish overlapping the next pull). */
export const INGEST_MESSAGES_PER_PULL = 4;

/** The ontology writer's durable consumer on INGEST, declared by `setup-streams` (service definition `consumers`). */
export const ONTOLOGY_WRITER_CONSUMER: DurableConsumerDeclaration = {
  stream: INGEST_STREAM as 'INGEST',
  durable: 'ontology-writer',
  filterSubject: 'ontology.v1.batches.>',
  maxDeliver: 8,
  backoffMs: [1000, 5000, 15000, 30000, 60000],
  maxAckPending: 64,
};

export const INGEST_DEAD_LETTER_SUBJECT = 'ontology.v1.deadletter.ingest';

/** A failure retrying cannot cure (bad token, missing role) versus a transient one (keys or database unavailable). */
export function isTransient(error: unknown): boolean {
  return error instanceof VigieException && [ErrorKind.Unavailable, ErrorKind.Timeout, ErrorKind.Internal].includes(error.kind);
}

/**
 * Consumes INGEST: each message's tenant is the realm of the VERIFIED token in its own
 * `authorization` header (the publisher's token), never a payload field. A token that will never
 * verify, or a publisher without the ingest role, makes the message poison (dead-lettered with the
 * reason); keys or database unavailable → nak and redelivery with backoff. A batch the writer
 * refuses for good (e.g. markings above its uploader's clearance) is dead-lettered with the reason.
 */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ontology-writer');
  private consumer?: DurableConsumer<typeof ingestBatchSubmitted>;
  /** The previous pull's publish, running while the next pull is written. */
  private publishing?: Promise<void>;
  /** The last publish failed: the next pull publishes the outbox before writing. */
  private publishFailed = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly actors: ActorResolver,
    private readonly ingest: IngestService,
    private readonly outbox: OutboxPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer(this.nc, {
      ...ONTOLOGY_WRITER_CONSUMER,
      contract: ingestBatchSubmitted,
      deadLetterSubject: INGEST_DEAD_LETTER_SUBJECT,
      batchSize: INGEST_MESSAGES_PER_PULL,
      handleBatch: async (items) => {
        // Before writing: if the previous publish failed (JetStream unavailable), or a message is
        // redelivered (it may have been written before an outage, its events and report still in
        // the outbox), publish every waiting outbox message first. A redelivered batch's report
        // ("unchanged", same message id) is then dropped by JetStream's deduplication and the first
        // attempt's created/updated figures stand. If JetStream is still unavailable this throws
        // before any write: the pull is redelivered later (the writer stops, the outbox does not grow).
        if (this.publishFailed || items.some(({ msg }) => msg.info.redeliveryCount > 1)) {
          await this.settlePrevious();
          this.publishFailed = false;
          await this.outbox.flush();
        }
        // All the messages of a pull in ONE transaction (each its own report, one outbox row).
        const work: { actor: Actor; batch: IngestBatch }[] = [];
        for (const { payload, msg } of items) work.push({ actor: await this.verify(msg), batch: payload });
        const written = await this.write(work);
        // Committed: the events are durable in the outbox, so the pull is acknowledged now and its
        // events published while the next pull is written. One publish at a time, in order (this
        // one starts when the previous one ended): per-object events keep their order.
        await this.settlePrevious();
        this.publishing = this.ingest.publishWritten(written).catch((error: unknown) => {
          this.publishFailed = true;
          this.logger.warn(`publishing a pull's events failed, left to the outbox flush: ${(error as Error).message}`);
        });
      },
      logger: {
        warn: (obj, msg) => this.logger.warn(`${msg} ${JSON.stringify(obj)}`),
        error: (obj, msg) => this.logger.error(`${msg} ${JSON.stringify(obj)}`),
      },
    });
    this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.settlePrevious();
  }

  /** Waits for the previous pull's publish (it never throws: a failure sets `publishFailed`). */
  private async settlePrevious(): Promise<void> {
    const previous = this.publishing;
    this.publishing = undefined;
    await previous;
  }

  private async write(work: { actor: Actor; batch: IngestBatch }[]): Promise<IngestWritten[]> {
    try {
      return await this.ingest.writeMany(work);
    } catch (error) {
      // A refusal retrying cannot cure (markings above the uploader's clearance, a forbidden
      // publisher): dead-lettered at once with the reason, ingestion quarantines the batch's records.
      if (error instanceof VigieException && !isTransient(error)) throw new PoisonMessageError(`batch refused: ${error.code}: ${error.message}`);
      throw error;
    }
  }

  private async verify(msg: JsMsg): Promise<Actor> {
    try {
      return await this.actors.actorFor(readHeader(msg.headers, Headers.authorization), readHeader(msg.headers, Headers.purpose));
    } catch (error) {
      if (isTransient(error)) throw error;
      throw new PoisonMessageError(`batch refused: ${(error as Error).message}`);
    }
  }
}
