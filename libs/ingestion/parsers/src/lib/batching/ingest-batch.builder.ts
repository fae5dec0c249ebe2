import { batchMessageId, BatchLink, BatchObject, IngestBatch, MAX_BATCH_RECORDS, PropertyValues } from '@vigie/ontology-contracts';
import { RecordPosition } from '../common/parse-item.types';

export interface IngestBatchBuilderOptions {
  readonly jobId: string;
  readonly source: string;
  /** Most objects + links in a batch (default 1000, at most the contract's 5000). */
  readonly maxItems?: number;
  /** Largest estimated JSON size of a batch (default 512 KiB, half the default NATS max payload). */
  readonly maxBytes?: number;
  /** Sequence number of the first batch (a resumed job continues after its last acknowledged batch). */
  readonly startSeq?: number;
}

/** A batch ready to publish, with the `Nats-Msg-Id` and the range of records it covers. */
export interface PlannedBatch {
  readonly batch: IngestBatch;
  /** `Nats-Msg-Id`: the ontology's `batchMessageId` (job and seq). */
  readonly msgId: string;
  /** Index of the first record of the batch (the batch id is `<jobId>:<firstIndex>`). */
  readonly firstIndex: number;
  /** The last record covered: once the batch is acknowledged, a resumed job starts after it. */
  readonly lastPosition: RecordPosition | null;
  /** Records covered (including those that mapped to nothing). */
  readonly records: number;
  readonly estimatedBytes: number;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return value.length + 3;
  if (typeof value === 'number') return 24;
  if (typeof value === 'boolean') return 5;
  if (Array.isArray(value)) {
    let n = 2;
    for (const v of value) n += valueSize(v) + 1;
    return n;
  }
  if (value && typeof value === 'object') return 40;
  return 4;
}

function propertiesSize(props: PropertyValues): number {
  let n = 2;
  for (const key in props) n += key.length + 4 + valueSize(props[key]);
  return n;
}

/** A cheap, deterministic estimate of the JSON size of mapped objects and links. */
export function estimateMappedSize(objects: readonly BatchObject[], links: readonly BatchLink[]): number {
  let n = 0;
  for (const o of objects) n += 140 + o.type.length + o.sourceKey.length + propertiesSize(o.properties) + o.markings.compartments.length * 24;
  for (const l of links) n += 200 + l.type.length + l.fromSourceKey.length + l.toSourceKey.length + (l.sourceKey?.length ?? 0) + propertiesSize(l.properties) + l.markings.compartments.length * 24;
  return n;
}

/** The key under which the ontology writer knows a link within a batch (its own `sourceKey`, else its type, ends and start). */
export function linkBatchKey(link: BatchLink, source: string): string {
  return link.sourceKey ?? `${link.type}|${link.fromSource ?? source}:${link.fromSourceKey}|${link.toSource ?? source}:${link.toSourceKey}|${link.validFrom ?? ''}`;
}

/** What an object or link says, apart from where it came from: two records saying the same thing about one key do not conflict. */
export function batchItemContent(item: BatchObject | BatchLink): string {
  return JSON.stringify({ ...item, provenance: undefined });
}

/** An item of the open batch, by key; its content is computed only when another record names the same key. */
interface KeyedItem {
  item: BatchObject | BatchLink;
  content?: string;
}

/**
 * Groups mapped records into INGEST batches by count and size. The cut depends only on the
 * records, so re-reading the same range after a crash yields the same batches (same seq, same
 * `Nats-Msg-Id`, same batch id): JetStream deduplicates the re-published ones. A record is never
 * split between batches; a record larger than `maxBytes` gets a batch of its own.
 *
 * A record that says something different about a key already in the open batch (two companies
 * at one address with different coordinates: one Location, two versions) starts a new batch: the
 * ontology writer refuses a key repeated with different content within one batch, while across
 * batches the later record is simply the object's next version — as if the file were cut there.
 * Repeats with the same content stay in the batch (the runner drops the earlier copy).
 */
export class IngestBatchBuilder {
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private seq: number;
  private objects: BatchObject[] = [];
  private links: BatchLink[] = [];
  private bytes = 0;
  private records = 0;
  private firstIndex = -1;
  private lastPosition: RecordPosition | null = null;
  private readonly objectKeys = new Map<string, KeyedItem>();
  private readonly linkKeys = new Map<string, KeyedItem>();

  constructor(private readonly options: IngestBatchBuilderOptions) {
    this.maxItems = Math.min(options.maxItems ?? 1000, MAX_BATCH_RECORDS);
    this.maxBytes = options.maxBytes ?? 512 * 1024;
    this.seq = options.startSeq ?? 0;
  }

  /** Adds a record's output; returns the batch closed to make room for it, if any. */
  add(position: RecordPosition, objects: readonly BatchObject[], links: readonly BatchLink[]): PlannedBatch | null {
    const items = objects.length + links.length;
    const size = items === 0 ? 0 : estimateMappedSize(objects, links);
    let closed: PlannedBatch | null = null;
    const count = this.objects.length + this.links.length;
    if (this.records > 0 && (count + items > this.maxItems || (count > 0 && this.bytes + size > this.maxBytes) || this.conflicts(objects, links))) closed = this.close(false);
    if (this.records === 0) this.firstIndex = position.index;
    for (const o of objects) {
      this.objects.push(o);
      this.objectKeys.set(o.sourceKey, { item: o });
    }
    for (const l of links) {
      this.links.push(l);
      this.linkKeys.set(linkBatchKey(l, this.options.source), { item: l });
    }
    this.bytes += size;
    this.records++;
    this.lastPosition = position;
    return closed;
  }

  /** Whether the record names a key of the open batch with different content. */
  private conflicts(objects: readonly BatchObject[], links: readonly BatchLink[]): boolean {
    const differs = (known: KeyedItem | undefined, item: BatchObject | BatchLink) => {
      if (!known) return false;
      known.content ??= batchItemContent(known.item);
      return known.content !== batchItemContent(item);
    };
    for (const o of objects) if (differs(this.objectKeys.get(o.sourceKey), o)) return true;
    for (const l of links) if (differs(this.linkKeys.get(linkBatchKey(l, this.options.source)), l)) return true;
    return false;
  }

  /** Closes the open batch; `last` marks the job's final batch (sent even when empty). */
  flush(last: boolean): PlannedBatch | null {
    if (this.records === 0 && !last) return null;
    return this.close(last);
  }

  /** Sequence number the next batch will get. */
  get nextSeq(): number {
    return this.seq;
  }

  private close(last: boolean): PlannedBatch {
    const { jobId, source } = this.options;
    const seq = this.seq++;
    const firstIndex = this.firstIndex;
    const batch: IngestBatch = {
      batchId: firstIndex >= 0 ? `${jobId}:${firstIndex}` : `${jobId}:end`,
      jobId,
      source,
      seq,
      last,
      objects: this.objects,
      links: this.links,
    };
    const planned: PlannedBatch = { batch, msgId: batchMessageId(batch), firstIndex, lastPosition: this.lastPosition, records: this.records, estimatedBytes: this.bytes + 120 };
    this.objects = [];
    this.links = [];
    this.bytes = 0;
    this.records = 0;
    this.firstIndex = -1;
    this.objectKeys.clear();
    this.linkKeys.clear();
    return planned;
  }
}
