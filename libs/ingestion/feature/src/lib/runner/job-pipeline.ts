import { JobPosition } from '@vigie/ingestion-contracts';
import { applyMapping, batchItemContent, CompiledMapping, IngestBatchBuilder, linkBatchKey, ParseItem, PlannedBatch, RecordPosition, RejectedRecord, RejectionCode, StixItem } from '@vigie/ingestion-parsers';
import { Checkpoint, QuarantineEntry } from '@vigie/ingestion-data-access';
import { BatchLink, BatchObject, Marking } from '@vigie/ontology-contracts';

/** What the runner does next: publish a batch (if any), then, once it is acknowledged, commit the checkpoint. */
export interface PipelineStep {
  batch: PlannedBatch | null;
  checkpoint: Checkpoint;
}

export interface JobPipelineOptions {
  jobId: string;
  source: string;
  /** Where a resumed job starts: the counts and the next seq of its last checkpoint. */
  startSeq: number;
  counts: { read: number; valid: number; parseQuarantined: number };
  position: JobPosition | null;
  /** The compiled mapping (CSV, JSON, NDJSON); absent for STIX, whose records come mapped. */
  mapping?: CompiledMapping;
  markings: Marking;
  maxItems: number;
  /** Rejected records held before a checkpoint is cut even without a batch. */
  quarantineFlush: number;
  /** Raw text kept per quarantined record. */
  rawLimit?: number;
}

const positionOf = (p: RecordPosition): JobPosition => ({ index: p.index, offset: p.offset, line: p.line });

/**
 * Turns a job's parsed items into INGEST batches and checkpoints, deterministically: the batch
 * cuts depend only on the items since the last checkpoint (where the builder is always empty),
 * so a job resumed after its last committed checkpoint re-cuts the same batches — same seq, same
 * `Nats-Msg-Id`, deduplicated by JetStream. A checkpoint covers every item up to the one before
 * the record that opened the next batch, rejected items included, and carries the counts of
 * what it covers: `read = valid + quarantined` at every checkpoint.
 */
export class JobPipeline {
  private readonly builder: IngestBatchBuilder;
  private read: number;
  private valid: number;
  private parseQuarantined: number;
  private last: JobPosition | null;
  private pending: QuarantineEntry[] = [];
  private detected: Record<string, unknown> | undefined;

  constructor(private readonly options: JobPipelineOptions) {
    this.builder = new IngestBatchBuilder({ jobId: options.jobId, source: options.source, maxItems: options.maxItems, startSeq: options.startSeq });
    this.read = options.counts.read;
    this.valid = options.counts.valid;
    this.parseQuarantined = options.counts.parseQuarantined;
    this.last = options.position;
  }

  /** What the reader detected (encoding, delimiter, columns), saved with the next checkpoint. */
  setDetected(detected: Record<string, unknown>): void {
    this.detected = { ...(this.detected ?? {}), ...detected };
  }

  get counts(): { read: number; valid: number; parseQuarantined: number } {
    return { read: this.read, valid: this.valid, parseQuarantined: this.parseQuarantined };
  }

  /** Takes one record or rejected item (never a fatal one: the runner ends the file on it). */
  add(item: Exclude<ParseItem | StixItem, { kind: 'fatal' }>): PipelineStep[] {
    const steps: PipelineStep[] = [];
    if (item.kind === 'rejected') {
      this.reject(item, 'parse');
    } else {
      const mapped = this.map(item);
      if ('reason' in mapped) {
        this.reject({ kind: 'rejected', position: item.position, raw: item.raw, code: RejectionCode.MappingFailed, reason: mapped.reason }, 'map');
      } else {
        const closed = this.builder.add(item.position, mapped.objects, mapped.links);
        if (closed) steps.push(this.cut(closed, false));
        this.read++;
        this.valid++;
        this.last = positionOf(item.position);
      }
    }
    if (this.pending.length >= this.options.quarantineFlush) steps.push(this.cut(this.builder.flush(false), false));
    return steps;
  }

  /** The end of the file: the last batch (sent even when empty) and the final checkpoint. */
  end(): PipelineStep {
    return this.cut(this.builder.flush(true), true);
  }

  private map(item: Exclude<ParseItem | StixItem, { kind: 'fatal' | 'rejected' }>): { objects: BatchObject[]; links: BatchLink[] } | { reason: string } {
    const recordKey = String(item.position.index);
    if ('stixType' in item) {
      // The ontology reports refused records by recordKey: make it the record's index, as for mapped files.
      return {
        objects: item.objects.map((o) => ({ ...o, provenance: { ...o.provenance, recordKey, line: item.position.line } })),
        links: item.links.map((l) => ({ ...l, provenance: { ...l.provenance, recordKey, line: item.position.line } })),
      };
    }
    if (!this.options.mapping) return { reason: 'no mapping for this job' };
    const result = applyMapping(this.options.mapping, item.value as Record<string, unknown>, { markings: this.options.markings, recordKey, line: item.position.line });
    return result.ok ? { objects: result.objects, links: result.links } : { reason: `line ${item.position.line}: ${result.reason}` };
  }

  private reject(item: RejectedRecord, stage: 'parse' | 'map'): void {
    this.read++;
    this.parseQuarantined++;
    const limit = this.options.rawLimit ?? 16 * 1024;
    this.pending.push({
      index: item.position.index,
      line: item.position.line,
      offset: item.position.offset,
      stage,
      code: item.code,
      reason: item.reason,
      raw: item.raw.length > limit ? item.raw.slice(0, limit) : item.raw,
    });
    this.last = positionOf(item.position);
  }

  private cut(batch: PlannedBatch | null, readerDone: boolean): PipelineStep {
    const checkpoint: Checkpoint = {
      position: this.last,
      nextSeq: this.builder.nextSeq,
      ackedSeq: batch ? batch.batch.seq : null,
      read: this.read,
      valid: this.valid,
      parseQuarantined: this.parseQuarantined,
      quarantine: this.pending,
      readerDone,
      ...(this.detected ? { detected: this.detected } : {}),
    };
    this.pending = [];
    return { batch: batch ? { ...batch, batch: dedupeBatch(batch.batch) } : null, checkpoint };
  }
}

/**
 * Drops an object (or link) repeated later in the same batch with the same content — two rows
 * naming the same phone — so the ontology does not refuse the first one as a duplicate key.
 * (The batch builder starts a new batch before a record that repeats a key with different
 * content, so such repeats are left only within one record: the ontology writes the last.)
 */
export function dedupeBatch<B extends { source?: string; objects: BatchObject[]; links: BatchLink[] }>(batch: B): B {
  const objects = dedupe(batch.objects, (o) => o.sourceKey);
  const links = dedupe(batch.links, (l) => linkBatchKey(l, batch.source ?? ''));
  return objects === batch.objects && links === batch.links ? batch : { ...batch, objects, links };
}

function dedupe<T extends BatchObject | BatchLink>(items: T[], key: (item: T) => string): T[] {
  if (items.length < 2) return items;
  const keys = items.map(key);
  if (new Set(keys).size === items.length) return items;
  // From the end: an item whose exact content appears later under the same key is dropped.
  const later = new Map<string, Set<string>>();
  const keep = new Array<boolean>(items.length);
  for (let i = items.length - 1; i >= 0; i--) {
    const seen = later.get(keys[i]) ?? new Set<string>();
    const content = batchItemContent(items[i]);
    keep[i] = !seen.has(content);
    seen.add(content);
    later.set(keys[i], seen);
  }
  return items.filter((_, i) => keep[i]);
}
