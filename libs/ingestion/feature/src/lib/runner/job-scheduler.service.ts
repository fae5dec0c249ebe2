import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { IngestionDatabase, JobRecord, JobRepository } from '@vigie/ingestion-data-access';
import { SERVICE_TOKEN_SOURCE, ServiceTokenSource } from '@vigie/shared-auth';
import { EventPublisher, NATS_CONNECTION } from '@vigie/shared-messaging';
import { INGESTION_FEATURE_CONFIG, IngestionFeatureConfig } from '../ingestion-feature.config';
import { OntologyMappingService } from '../mapping/ontology-mapping.service';
import { UploadObjectStore } from '../store/upload-object-store';
import { BatchSignal } from './batch-signal';
import { ProgressMeter, publishProgress } from './job-progress';
import { JobRun, JobRunDeps } from './job-run';

interface ActiveRun {
  run: JobRun;
  /** Claimed in the small-job lane (beyond INGESTION_CONCURRENT_JOBS). */
  small: boolean;
  abort: AbortController;
  done: Promise<void>;
  meter: ProgressMeter;
}

/**
 * Runs jobs in the background. Every `INGESTION_POLL_MS` it renews the lease of the jobs it runs
 * (a job cancelled or taken over is stopped), publishes their progress, and claims pending jobs
 * and running jobs whose runner stopped beating (a replica that crashed or was killed) — which
 * then resume from their last checkpoint. `kick()` claims at once (after a job is created).
 *
 * Fairness: besides its `INGESTION_CONCURRENT_JOBS` slots a replica keeps
 * `INGESTION_SMALL_JOB_SLOTS` for files up to `INGESTION_SMALL_JOB_MAX_BYTES`, so a small upload
 * starts at once even while big jobs hold every slot; claims put tenants with nothing running
 * first; and the budget of unwritten batches (`INGESTION_MAX_UNPROCESSED_BATCHES`) is shared
 * between the running jobs, so the queue ahead of a new job's batches in INGEST stays short.
 */
@Injectable()
export class JobSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ingestion-runner');
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly active = new Map<string, ActiveRun>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;
  private readonly deps: JobRunDeps;

  constructor(
    private readonly db: IngestionDatabase,
    private readonly repo: JobRepository,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    publisher: EventPublisher,
    store: UploadObjectStore,
    mappings: OntologyMappingService,
    @Inject(INGESTION_FEATURE_CONFIG) private readonly config: IngestionFeatureConfig,
    @Optional() @Inject(SERVICE_TOKEN_SOURCE) tokens: ServiceTokenSource | null,
    batches: BatchSignal,
  ) {
    this.deps = {
      db,
      repo,
      store,
      publisher,
      mappings,
      serviceToken: (tenant) => {
        if (!tokens) return Promise.reject(new Error('SERVICE_CLIENT_ID / SERVICE_CLIENT_SECRET are not configured'));
        return tokens.token(tenant);
      },
      logger: {
        info: (obj, msg) => this.logger.log(`${msg} ${JSON.stringify(obj)}`),
        warn: (obj, msg) => this.logger.warn(`${msg} ${JSON.stringify(obj)}`),
      },
      batches,
      unprocessedLimit: () => ({
        cap: unprocessedShare(config.INGESTION_MAX_UNPROCESSED_BATCHES, this.active.size),
        // At least half a writer pull (8 batches) queued when alone, 2 batches beside other jobs: a
        // new job's batch then waits for at most about one pull of theirs, even with a slow writer.
        floor: this.active.size > 1 ? 2 : 4,
      }),
      settings: {
        maxInFlight: config.INGESTION_MAX_INFLIGHT_BATCHES,
        maxUnprocessed: config.INGESTION_MAX_UNPROCESSED_BATCHES,
        maxItems: config.INGESTION_BATCH_MAX_ITEMS,
        quarantineFlush: config.INGESTION_QUARANTINE_FLUSH,
      },
    };
  }

  onApplicationBootstrap(): void {
    this.schedule(200);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    // Stop reading; what was acknowledged is checkpointed, the rest is re-read by whoever resumes the job.
    for (const a of this.active.values()) a.abort.abort();
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /** Looks for work now (a job was just created). */
  kick(): void {
    this.schedule(0);
  }

  /** Stops a job run by this replica (cancelled). */
  stop(jobId: string): void {
    this.active.get(jobId)?.abort.abort();
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.ticking) {
        this.schedule(50);
        return;
      }
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.schedule(this.config.INGESTION_POLL_MS);
      });
    }, delay);
  }

  private async tick(): Promise<void> {
    try {
      const mine = await this.db.read((sql) => this.repo.heartbeat(sql, this.owner, [...this.active.keys()]));
      for (const [id, a] of this.active) if (!mine.has(id)) a.abort.abort();
      for (const [id, a] of this.active) {
        const job = await this.db.read((sql) => this.repo.byId(sql, id));
        if (job) publishProgress(this.nc, a.meter.payload(job));
      }
      const running = [...this.active.values()];
      const free = this.config.INGESTION_CONCURRENT_JOBS - running.filter((a) => !a.small).length;
      const claimed = await this.db.read((sql) => this.repo.claim(sql, this.owner, this.config.INGESTION_LEASE_MS, free));
      for (const job of claimed) this.launch(job, false);
      const smallFree = this.config.INGESTION_SMALL_JOB_SLOTS - running.filter((a) => a.small).length;
      if (free - claimed.length <= 0 && smallFree > 0) {
        const small = await this.db.read((sql) => this.repo.claim(sql, this.owner, this.config.INGESTION_LEASE_MS, smallFree, this.config.INGESTION_SMALL_JOB_MAX_BYTES));
        for (const job of small) this.launch(job, true);
      }
    } catch (error) {
      this.logger.warn(`scheduler tick failed (will retry): ${(error as Error).message}`);
    }
  }

  private launch(job: JobRecord, small: boolean): void {
    if (this.active.has(job.id)) return;
    const abort = new AbortController();
    const run = new JobRun(this.deps, job, this.owner, abort.signal);
    const meter = new ProgressMeter();
    this.logger.log(`job ${job.id} ${job.position ? `resumes after record ${job.position.index}` : 'starts'} (${job.format}, ${job.objectSize} bytes)`);
    const done = run
      .execute()
      .catch((error: unknown) => this.logger.error(`job ${job.id} stopped unexpectedly: ${(error as Error).message}`))
      .finally(async () => {
        this.active.delete(job.id);
        try {
          const final = await this.db.read((sql) => this.repo.byId(sql, job.id));
          if (final) {
            publishProgress(this.nc, meter.payload(final));
            this.logger.log(`job ${job.id} ${final.status} ${JSON.stringify(final.counts)}`);
          }
        } catch {
          // progress is best effort
        }
        if (!this.stopped) this.schedule(0);
      });
    this.active.set(job.id, { run, small, abort, done, meter });
  }
}

/**
 * A running job's share of the replica's budget of unwritten batches: the budget split evenly,
 * never below one writer pull (8 batches) so the writer is never starved by the split.
 */
export function unprocessedShare(budget: number, runningJobs: number): number {
  return Math.max(Math.min(budget, 8), Math.floor(budget / Math.max(1, runningJobs)));
}
