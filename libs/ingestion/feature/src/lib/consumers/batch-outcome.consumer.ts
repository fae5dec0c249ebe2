import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { IngestionDatabase, JobRepository, ProcessedBatch, QuarantineEntry } from '@vigie/ingestion-data-access';
import { BatchProcessedPayload, batchProcessed } from '@vigie/ontology-contracts';
import { DurableConsumer, DurableConsumerDeclaration, NATS_CONNECTION } from '@vigie/shared-messaging';
import { BatchSignal } from '../runner/batch-signal';

/** Ingestion's durable consumer of the ontology's `batch.processed` events (declared by `setup-streams`). */
export const BATCH_OUTCOME_CONSUMER: DurableConsumerDeclaration = {
  stream: 'ONTOLOGY',
  durable: 'ingestion-batch-outcomes',
  filterSubject: batchProcessed.subject,
  maxDeliver: 20,
  backoffMs: [500, 1000, 2000, 5000, 10000, 30000],
  maxAckPending: 256,
};

export const BATCH_OUTCOME_DEAD_LETTER_SUBJECT = 'ingestion.v1.deadletter.ontology';

/**
 * The ontology's refusals of one batch, one quarantine entry per record: `recordKey` is the
 * record's index in its file (set by the job's mapping); several refusals of one record are joined.
 * A refusal that names no record is attributed to the batch's first record (`index: -1` here).
 */
export function outcomeOf(event: BatchProcessedPayload): ProcessedBatch {
  const byRecord = new Map<number, QuarantineEntry>();
  for (const r of event.rejected) {
    const index = r.recordKey !== undefined && /^\d+$/.test(r.recordKey) ? Number(r.recordKey) : -1;
    const reason = `${r.kind} ${r.sourceKey}: ${r.code} ${r.message}`;
    const existing = byRecord.get(index);
    if (existing) {
      existing.reason = `${existing.reason}; ${reason}`;
      existing.raw = `${existing.raw}\n${JSON.stringify({ kind: r.kind, sourceKey: r.sourceKey })}`;
      continue;
    }
    byRecord.set(index, {
      index,
      line: r.line ?? 0,
      offset: 0,
      stage: 'ontology',
      code: r.code,
      reason,
      raw: JSON.stringify({ kind: r.kind, sourceKey: r.sourceKey }),
    });
  }
  return { jobId: event.jobId, seq: event.seq, merged: event.merged, rejected: [...byRecord.values()] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies each `batch.processed` to its job once (idempotent by (job, seq)): the ontology's
 * refused records are quarantined, the rest counted as written, merges added; then the job is
 * completed if its file was read and every batch written. An event for a batch not yet recorded
 * (the ontology was faster than the checkpoint) is retried; events of other publishers' jobs are
 * acknowledged and ignored.
 */
@Injectable()
export class BatchOutcomeConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ingestion-batch-outcomes');
  private consumer?: DurableConsumer<typeof batchProcessed>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly db: IngestionDatabase,
    private readonly repo: JobRepository,
    @Optional() private readonly batches: BatchSignal | null = null,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer(this.nc, {
      ...BATCH_OUTCOME_CONSUMER,
      contract: batchProcessed,
      deadLetterSubject: BATCH_OUTCOME_DEAD_LETTER_SUBJECT,
      batchSize: 64,
      handleBatch: async (items) => {
        for (const { payload } of items) await this.apply(payload);
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

  async apply(event: BatchProcessedPayload): Promise<void> {
    if (!UUID.test(event.jobId)) return;
    const outcome = outcomeOf(event);
    const result = await this.db.transaction(async (sql) => {
      const job = await this.repo.byId(sql, event.jobId);
      if (!job) return 'unknown-job' as const;
      if (job.tenant !== event.tenant) {
        this.logger.warn(`batch.processed of job ${event.jobId} names tenant ${event.tenant}, the job is ${job.tenant}'s: ignored`);
        return 'unknown-job' as const;
      }
      const applied = await this.repo.applyProcessed(sql, outcome);
      if (applied === 'applied') await this.repo.tryComplete(sql, event.jobId);
      return applied;
    });
    if (result === 'unknown-batch') throw new Error(`batch ${event.seq} of job ${event.jobId} is not recorded yet`);
    if (result === 'applied') this.batches?.notify(event.jobId);
  }
}
