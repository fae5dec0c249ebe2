import { IngestionException, IngestionExceptionCode, ParseOptionsInput } from '@vigie/ingestion-contracts';
import { Checkpoint, IngestionDatabase, JobNotOwnedError, JobRecord, JobRepository } from '@vigie/ingestion-data-access';
import { CompiledMapping, CsvDetection, ParseItem, parseBatches, parseStixBundleBatches, PlannedBatch, StixItem, TabularParseOptions } from '@vigie/ingestion-parsers';
import { BatchUploader, IngestBatch, ingestBatchSubmitted } from '@vigie/ontology-contracts';
import { EventPublisher, runWithCaller } from '@vigie/shared-messaging';
import { JSONCodec } from 'nats';
import { OntologyMappingService } from '../mapping/ontology-mapping.service';
import { UploadObjectStore } from '../store/upload-object-store';
import { BatchSignal } from './batch-signal';
import { JobPipeline, PipelineStep } from './job-pipeline';

const codec = JSONCodec<unknown>();

/**
 * The batch as published: it names its uploader's clearance when the job was created, so the
 * ontology writer refuses anything marked above it (a publisher writes no more than its uploader may).
 */
export function batchForUploader(batch: IngestBatch, job: Pick<JobRecord, 'createdBy' | 'clearance'>): IngestBatch {
  const uploader: BatchUploader = { subject: job.createdBy, clearance: job.clearance.level, compartments: [...job.clearance.compartments] };
  return { ...batch, uploader };
}

/** A reason that ends the job as failed (unreadable file, invalid mapping, missing source). */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

class Aborted extends Error {}

export interface RunnerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface JobRunDeps {
  db: IngestionDatabase;
  repo: JobRepository;
  store: UploadObjectStore;
  publisher: EventPublisher;
  mappings: OntologyMappingService;
  /** The service's own client-credentials token in a tenant's realm. */
  serviceToken(tenant: string): Promise<string>;
  logger: RunnerLogger;
  /** Wakes a reader waiting under its back-pressure bound when one of its batches is closed. */
  batches: BatchSignal;
  /**
   * Bounds of this job's batches published and not yet written: `cap` is its share of the
   * replica's budget, `floor` the least it may keep queued (half a writer pull when alone, less
   * beside other jobs). Between the two the job keeps {@link QUEUE_SECONDS} of the writer's pace.
   */
  unprocessedLimit(jobId: string): { cap: number; floor: number };
  settings: { maxInFlight: number; maxUnprocessed: number; maxItems: number; quarantineFlush: number };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Seconds of the writer's measured pace a job keeps queued in INGEST: enough that the writer never
 * waits for the reader, short enough that a job started beside it (a 40-row upload) finds only a
 * few seconds of work ahead of its own batches.
 */
export const QUEUE_SECONDS = 3;

/**
 * How many unwritten batches a job may have now: {@link QUEUE_SECONDS} of the writer's pace
 * (batches/s, unknown at first), within the bounds.
 */
export function unwrittenLimit(pace: number | null, bounds: { cap: number; floor: number }): number {
  const floor = Math.min(bounds.floor, bounds.cap);
  if (pace === null) return bounds.cap;
  return Math.max(floor, Math.min(bounds.cap, Math.ceil(pace * QUEUE_SECONDS)));
}

const backoff = (attempt: number) => Math.min(5000, 250 * 2 ** Math.min(attempt, 5));

function parserOptions(options: ParseOptionsInput): TabularParseOptions {
  return {
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    ...(options.encoding ? { encoding: options.encoding } : {}),
    ...(options.path ? { path: options.path } : {}),
    ...(options.maxFieldBytes ? { maxFieldBytes: options.maxFieldBytes } : {}),
    ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}),
    ...(options.maxDepth ? { maxDepth: options.maxDepth } : {}),
    ...(options.columnCount ? { columnCount: options.columnCount } : {}),
  };
}

/**
 * Runs one job from its last checkpoint to the end: object store → parser → mapping → INGEST
 * batches published with the service's own token in the job's tenant and `Nats-Msg-Id` =
 * `batchMessageId`, at most `maxInFlight` unacknowledged (each publish awaits its PubAck) and at
 * most `maxUnprocessed` not yet written by the ontology — so a slow writer slows the reader and
 * memory stays flat. After each acknowledged batch (in order) the checkpoint — position, counts,
 * quarantined records — is committed. Transient failures (NATS, PostgreSQL, the ontology, the
 * identity service) are retried with backoff from the last checkpoint; the job stays `running`.
 */
export class JobRun {
  private job: JobRecord;
  /** Batches this run published, and the writer's pace (batches/s) measured from them. */
  private published = 0;
  private paceSample: { at: number; processed: number } | null = null;
  private pace: number | null = null;
  /** The last count of unwritten batches, and how many this run had published when it was taken. */
  private lastCount: { unprocessed: number; published: number } | null = null;

  constructor(
    private readonly deps: JobRunDeps,
    job: JobRecord,
    private readonly owner: string,
    private readonly signal: AbortSignal,
  ) {
    this.job = job;
  }

  get id(): string {
    return this.job.id;
  }

  async execute(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.job.readerDone) await this.readFile();
        await this.awaitCompletion();
        return;
      } catch (error) {
        if (this.signal.aborted || error instanceof Aborted || error instanceof JobNotOwnedError) return;
        if (error instanceof JobFailure) {
          this.deps.logger.warn({ jobId: this.job.id, code: error.code, reason: error.message }, 'job failed');
          await this.retrying('mark the job failed', () => this.deps.db.transaction((sql) => this.deps.repo.fail(sql, this.job.id, { code: error.code, message: error.message })));
          return;
        }
        this.deps.logger.warn({ jobId: this.job.id, err: (error as Error).message, attempt }, 'job interrupted; resuming from its last checkpoint');
        await sleep(backoff(attempt), this.signal);
        const fresh = await this.retrying('reload the job', () => this.deps.db.read((sql) => this.deps.repo.byId(sql, this.job.id)));
        if (!fresh || fresh.status !== 'running' || fresh.owner !== this.owner) return;
        this.job = fresh;
      }
    }
  }

  private async authorization(): Promise<string> {
    try {
      return `Bearer ${await this.deps.serviceToken(this.job.tenant)}`;
    } catch (error) {
      throw new Error(`no service token for tenant ${this.job.tenant}: ${(error as Error).message}`);
    }
  }

  private async compileMapping(authorization: string): Promise<CompiledMapping | undefined> {
    if (this.job.format === 'stix') return undefined;
    if (!this.job.mapping) throw new JobFailure(IngestionExceptionCode.InvalidMapping, 'The job has no mapping');
    const document = await this.deps.mappings.ontology(authorization);
    try {
      return this.deps.mappings.compile(this.job.mapping, document);
    } catch (error) {
      if (error instanceof IngestionException) throw new JobFailure(error.code, error.message);
      throw error;
    }
  }

  private async readFile(): Promise<void> {
    const job = this.job;
    const authorization = await this.authorization();
    const mapping = await this.compileMapping(authorization);
    const info = await this.deps.store.info(job.objectName);
    if (!info) throw new JobFailure(IngestionExceptionCode.SourceNotFound, `The uploaded file ${job.objectName} is not in the object store`);
    const pipeline = new JobPipeline({
      jobId: job.id,
      source: job.source,
      startSeq: job.nextSeq,
      counts: { read: job.counts.read, valid: job.counts.valid, parseQuarantined: job.counts.parseQuarantined },
      position: job.position,
      markings: job.markings,
      maxItems: this.deps.settings.maxItems,
      quarantineFlush: this.deps.settings.quarantineFlush,
      ...(mapping ? { mapping } : {}),
    });
    const startAfter = job.position ? { startAfter: { index: job.position.index, offset: job.position.offset, line: job.position.line } } : {};
    let columnsProblem: JobFailure | undefined;
    const onDetect = (d: CsvDetection) => {
      pipeline.setDetected({
        encoding: d.encoding.encoding,
        bom: d.encoding.bom,
        delimiter: d.delimiter,
        lineEnding: d.lineEnding === '\r\n' ? 'crlf' : d.lineEnding === '\r' ? 'cr' : 'lf',
        columns: d.columns,
        ...(d.renamedColumns.length ? { renamedColumns: d.renamedColumns } : {}),
        ...(d.switchedAtLine ? { switchedAtLine: d.switchedAtLine } : {}),
      });
      if (mapping && job.mapping && d.switchedAtLine === undefined) {
        const missing = mapping.fields.filter((f) => !d.columns.includes(f));
        if (missing.length > 0) {
          columnsProblem = new JobFailure(
            IngestionExceptionCode.InvalidMapping,
            `The mapping reads column${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')} that the file does not have (its columns: ${d.columns.map((c) => JSON.stringify(c)).join(', ')})`,
          );
        }
      }
    };
    const source = this.deps.store.read(info);
    const items: AsyncGenerator<(ParseItem | StixItem)[]> =
      job.format === 'stix'
        ? parseStixBundleBatches(source, { ...parserOptions(job.options), ...startAfter, markings: job.markings, clearance: job.clearance })
        : parseBatches(job.format, source, { ...parserOptions(job.options), ...startAfter, onDetect });
    const window = new PublishWindow(this, authorization);
    let fatal: Extract<ParseItem, { kind: 'fatal' }> | undefined;
    try {
      outer: for await (const batch of items) {
        if (columnsProblem) throw columnsProblem;
        for (const item of batch) {
          if (item.kind === 'fatal') {
            fatal = item;
            break outer;
          }
          for (const step of pipeline.add(item)) await window.push(step);
        }
        if (this.signal.aborted) throw new Aborted();
      }
      if (columnsProblem) throw columnsProblem;
      await window.push(pipeline.end());
      await window.drain();
    } finally {
      window.close();
    }
    if (fatal) {
      throw new JobFailure(
        IngestionExceptionCode.UnreadableFile,
        `${fatal.code}: ${fatal.reason} (line ${fatal.position.line}, byte ${fatal.position.offset}); the ${pipeline.counts.read} records before it were kept`,
      );
    }
  }

  /** Waits until the ontology has written every batch, then completes the job (the consumer of `batch.processed` may complete it first). */
  private async awaitCompletion(): Promise<void> {
    for (;;) {
      if (this.signal.aborted) throw new Aborted();
      const done = await this.deps.db.transaction(async (sql) => {
        if (await this.deps.repo.tryComplete(sql, this.job.id)) return true;
        const job = await this.deps.repo.byId(sql, this.job.id);
        return !job || job.status !== 'running';
      });
      if (done) return;
      await sleep(250, this.signal);
    }
  }

  /** Runs `fn` until it succeeds (transient failures), unless the job is aborted or no longer ours. */
  async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (error instanceof JobNotOwnedError || error instanceof JobFailure) throw error;
        if (this.signal.aborted) throw new Aborted();
        if (attempt % 10 === 0) this.deps.logger.warn({ jobId: this.job.id, err: (error as Error).message, attempt }, `could not ${what}; retrying`);
        await sleep(backoff(attempt), this.signal);
      }
    }
  }

  /** Records the batch, then publishes it until JetStream acknowledges (same `Nats-Msg-Id` on every try). */
  async publish(batch: PlannedBatch, authorization: () => Promise<string>): Promise<void> {
    this.published++;
    const data = codec.encode(batchForUploader(batch.batch, this.job));
    await this.retrying('record the batch', () =>
      this.deps.db.read((sql) => this.deps.repo.planBatch(sql, this.job.id, { seq: batch.batch.seq, firstIndex: batch.firstIndex < 0 ? -1 : batch.firstIndex, records: batch.records, last: batch.batch.last })),
    );
    await this.retrying(`publish batch ${batch.batch.seq}`, async () => {
      const token = await authorization();
      await runWithCaller({ authorization: token }, () => this.deps.publisher.publishRaw(ingestBatchSubmitted.subject, data, batch.msgId));
    });
  }

  async commit(checkpoint: Checkpoint): Promise<void> {
    await this.retrying('commit the checkpoint', () => this.deps.db.transaction((sql) => this.deps.repo.commitCheckpoint(sql, this.job.id, this.owner, checkpoint)));
  }

  /**
   * Back-pressure on the ontology writer: wait while too many of this job's batches are still
   * unwritten. Woken as soon as one of them is closed on this replica; re-counts at least every 250 ms.
   */
  async awaitWriter(): Promise<void> {
    // Unwritten batches can only have decreased since the last count, except for those published
    // since: no need to ask PostgreSQL while that sum is under the limit.
    if (this.lastCount && this.lastCount.unprocessed + (this.published - this.lastCount.published) < unwrittenLimit(this.pace, this.deps.unprocessedLimit(this.job.id))) return;
    for (;;) {
      const published = this.published;
      const unprocessed = await this.retrying('count unwritten batches', () => this.deps.db.read((sql) => this.deps.repo.unprocessedBatches(sql, this.job.id)));
      this.lastCount = { unprocessed, published };
      this.measurePace(published - unprocessed);
      if (unprocessed < unwrittenLimit(this.pace, this.deps.unprocessedLimit(this.job.id))) return;
      if (this.signal.aborted) throw new Aborted();
      await this.deps.batches.wait(this.job.id, 250, this.signal);
    }
  }

  /** The writer's pace over at least two seconds (smoothed), from how many of this run's batches it closed. */
  private measurePace(processed: number, now = Date.now()): void {
    if (!this.paceSample) {
      this.paceSample = { at: now, processed };
      return;
    }
    const seconds = (now - this.paceSample.at) / 1000;
    if (seconds < 2) return;
    const instant = Math.max(0, (processed - this.paceSample.processed) / seconds);
    this.pace = this.pace === null ? instant : 0.5 * this.pace + 0.5 * instant;
    this.paceSample = { at: now, processed };
  }

  get settings(): JobRunDeps['settings'] {
    return this.deps.settings;
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  authorizationProvider(initial: string): () => Promise<string> {
    return async () => {
      try {
        return `Bearer ${await this.deps.serviceToken(this.job.tenant)}`;
      } catch {
        return initial;
      }
    };
  }
}

/**
 * The batches of a job between publish and checkpoint: at most `maxInFlight` not yet
 * checkpointed. Checkpoints are committed strictly in order, each after its batch's PubAck and
 * the previous checkpoint, in the background: the reader goes on parsing and publishing while
 * PostgreSQL commits.
 */
class PublishWindow {
  private readonly queue: Promise<void>[] = [];
  private last: Promise<void> = Promise.resolve();
  private readonly token: () => Promise<string>;

  constructor(
    private readonly run: JobRun,
    authorization: string,
  ) {
    this.token = run.authorizationProvider(authorization);
  }

  async push(step: PipelineStep): Promise<void> {
    let ack: Promise<void> = Promise.resolve();
    if (step.batch) {
      await this.run.awaitWriter();
      ack = this.run.publish(step.batch, this.token);
      ack.catch(() => undefined);
    }
    const previous = this.last;
    const done = (async () => {
      await previous;
      await ack;
      await this.run.commit(step.checkpoint);
    })();
    done.catch(() => undefined);
    this.last = done;
    this.queue.push(done);
    while (this.queue.length > this.run.settings.maxInFlight) await this.queue.shift();
  }

  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.queue.shift();
  }

  close(): void {
    this.queue.length = 0;
  }
}
