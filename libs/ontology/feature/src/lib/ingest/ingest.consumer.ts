import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { JsMsg, NatsConnection } from 'nats';
import { Actor, ActorResolver } from '@vigie/shared-auth';
import { ErrorKind, Headers, VigieException } from '@vigie/shared-contracts';
import { IngestBatch, ingestBatchSubmitted, INGEST_STREAM } from '@vigie/ontology-contracts';
import { DurableConsumer, DurableConsumerDeclaration, NATS_CONNECTION, PoisonMessageError, readHeader } from '@vigie/shared-messaging';
import { IngestService, IngestWritten } from './ingest.service';

/** INGEST messages pulled and handled together (one transaction, one outbox publish, then their acks). */
export const INGEST_MESSAGES_PER_PULL = 8;

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

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly actors: ActorResolver,
    private readonly ingest: IngestService,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer(this.nc, {
      ...ONTOLOGY_WRITER_CONSUMER,
      contract: ingestBatchSubmitted,
      deadLetterSubject: INGEST_DEAD_LETTER_SUBJECT,
      batchSize: INGEST_MESSAGES_PER_PULL,
      handleBatch: async (items) => {
        // All the messages of a pull in ONE transaction (each its own report), then their outbox
        // published, then they are acknowledged: an ack still means "written AND its events on
        // JetStream". A refused batch rolls the pull back; the consumer retries its messages one by one.
        const work: { actor: Actor; batch: IngestBatch }[] = [];
        for (const { payload, msg } of items) work.push({ actor: await this.verify(msg), batch: payload });
        await this.ingest.publishWritten(await this.write(work));
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
