import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { JsMsg, NatsConnection } from 'nats';
import { IngestionDatabase, JobRepository, ProcessedBatch, QuarantineEntry } from '@vigie/ingestion-data-access';
import { IngestBatch, ingestBatchSubmitted } from '@vigie/ontology-contracts';
import { EventContract } from '@vigie/shared-contracts';
import { SERVICE_TOKEN_SOURCE, ServiceTokenSource } from '@vigie/shared-auth';
import { DurableConsumer, DurableConsumerDeclaration, NATS_CONNECTION, outgoingHeaders, readHeader } from '@vigie/shared-messaging';
import { BatchSignal } from '../runner/batch-signal';

/** Where the ontology writer puts INGEST batches it gave up on (its dead-letter subject). */
export const INGEST_DEAD_LETTER_SUBJECT = 'ontology.v1.deadletter.ingest';

/**
 * The dead-lettered batch, as published: the INGEST payload on the dead-letter subject. Built by
 * hand: `defineEvent` only accepts `<svc>.v1.events.*` subjects, dead-letter subjects are not events.
 */
const deadLetteredBatch: EventContract<typeof ingestBatchSubmitted.payload> = {
  kind: 'event',
  subject: INGEST_DEAD_LETTER_SUBJECT,
  stream: 'DEADLETTER',
  description: 'An INGEST batch the ontology writer gave up on, with x-dead-letter-reason',
  payload: ingestBatchSubmitted.payload,
};

/** Header counting how many times a batch was published again after the writer refused its expired token. */
export const REPUBLISH_HEADER = 'x-ingest-republish';
export const MAX_REPUBLISH = 5;

/**
 * The writer refused the batch only because the token it carried expired while the batch waited in
 * INGEST (a long backlog: the token is checked when the batch is written, minutes after it was
 * published). Such a batch is published again with a fresh token rather than quarantined.
 */
export function isExpiredTokenRefusal(reason: string): boolean {
  return /token (has )?expired|"exp" claim timestamp check failed/i.test(reason);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ingestion's durable consumer of dead-lettered INGEST batches (declared by `setup-streams`). */
export const INGEST_DEAD_LETTER_CONSUMER: DurableConsumerDeclaration = {
  stream: 'DEADLETTER',
  durable: 'ingestion-ingest-deadletters',
  filterSubject: INGEST_DEAD_LETTER_SUBJECT,
  maxDeliver: 20,
  backoffMs: [1000, 5000, 15000, 30000],
  maxAckPending: 64,
};

/** Every record of a dead-lettered batch, quarantined with the writer's reason (one entry per record). */
export function deadLetterOutcome(batch: IngestBatch, reason: string): ProcessedBatch {
  const byRecord = new Map<number, QuarantineEntry>();
  for (const item of [...batch.objects, ...batch.links]) {
    const key = item.provenance.recordKey;
    const index = key !== undefined && /^\d+$/.test(key) ? Number(key) : -1;
    if (byRecord.has(index)) continue;
    byRecord.set(index, {
      index,
      line: item.provenance.line ?? 0,
      offset: 0,
      stage: 'ontology',
      code: 'DEAD_LETTERED',
      reason: `the ontology writer gave up on batch ${batch.seq}: ${reason}`,
      raw: JSON.stringify({ batchId: batch.batchId, seq: batch.seq }),
    });
  }
  return { jobId: batch.jobId, seq: batch.seq, merged: 0, rejected: [...byRecord.values()] };
}

/**
 * A batch the ontology writer dead-letters (a token it refuses, a payload it cannot read) would
 * leave its job running forever and its records uncounted. This consumer closes the batch: its
 * records are quarantined with the writer's reason, so the job completes and its counts still add
 * up. Re-ingesting the file once the cause is fixed writes them (idempotently).
 */
@Injectable()
export class IngestDeadLetterConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ingestion-dead-letters');
  private consumer?: DurableConsumer<typeof deadLetteredBatch>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly db: IngestionDatabase,
    private readonly repo: JobRepository,
    @Optional() @Inject(SERVICE_TOKEN_SOURCE) private readonly tokens: ServiceTokenSource | null = null,
    @Optional() private readonly batches: BatchSignal | null = null,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer(this.nc, {
      ...INGEST_DEAD_LETTER_CONSUMER,
      contract: deadLetteredBatch,
      deadLetterSubject: 'ingestion.v1.deadletter.deadletter',
      batchSize: 16,
      handleBatch: async (items) => {
        for (const { payload, msg } of items) await this.apply(payload, msg);
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

  private async apply(batch: IngestBatch, msg: JsMsg): Promise<void> {
    if (!UUID.test(batch.jobId)) return; // another publisher's batch, not a job of this service
    const reason = readHeader(msg.headers, 'x-dead-letter-reason') ?? 'no reason given';
    if (await this.republishIfExpired(batch, msg, reason)) return;
    const result = await this.db.transaction(async (sql) => {
      const applied = await this.repo.applyProcessed(sql, deadLetterOutcome(batch, reason));
      if (applied === 'applied') await this.repo.tryComplete(sql, batch.jobId);
      return applied;
    });
    if (result === 'applied') this.batches?.notify(batch.jobId);
    if (result === 'applied') this.logger.warn(`batch ${batch.seq} of job ${batch.jobId} was dead-lettered by the ontology writer: its records are quarantined (${reason})`);
  }

  /** Publishes a batch refused for an expired token again, with a fresh service token, while its job runs (at most MAX_REPUBLISH times). */
  private async republishIfExpired(batch: IngestBatch, msg: JsMsg, reason: string): Promise<boolean> {
    const attempt = Number(readHeader(msg.headers, REPUBLISH_HEADER) ?? 0) || 0;
    if (!isExpiredTokenRefusal(reason) || attempt >= MAX_REPUBLISH || !this.tokens) return false;
    const job = await this.db.read((sql) => this.repo.byId(sql, batch.jobId));
    if (!job || job.status !== 'running') return false;
    const token = await this.tokens.token(job.tenant);
    const msgId = `${batch.batchId}~r${attempt + 1}`;
    const headers = outgoingHeaders({ authorization: `Bearer ${token}`, msgId });
    headers.set(REPUBLISH_HEADER, String(attempt + 1));
    await this.nc.jetstream().publish(ingestBatchSubmitted.subject, msg.data, { msgID: msgId, headers, timeout: 10_000 });
    this.logger.warn(`batch ${batch.seq} of job ${batch.jobId} waited in INGEST past its token's expiry: published again with a fresh token (attempt ${attempt + 1} of ${MAX_REPUBLISH})`);
    return true;
  }
}
