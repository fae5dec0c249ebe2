import { BatchLink, BatchObject, Marking } from '@vigie/ontology-contracts';
import { ApplyContext, applyMapping, CompiledMapping } from '../mapping/mapping.compiler';
import { truncateRaw } from './byte-source.util';
import { DEFAULT_RAW_LIMIT, FatalParseError, ParseItem, RecordPosition, RejectedRecord, RejectionCode } from './parse-item.types';

/** A record after mapping. */
export interface MappedItem {
  readonly kind: 'mapped';
  readonly position: RecordPosition;
  readonly objects: BatchObject[];
  readonly links: BatchLink[];
}

export type PipelineItem = MappedItem | RejectedRecord | FatalParseError;

export interface MapItemsOptions {
  /** The job's markings (already checked with `clampMarkings`); default: the mapping's. */
  readonly markings?: Marking;
  readonly rawLimit?: number;
}

/** Maps the records of parsed batches; a record the mapping refuses becomes a rejected item (code MAPPING_FAILED). */
export async function* mapParsedBatches(
  batches: AsyncIterable<ParseItem[]>,
  mapping: CompiledMapping,
  options: MapItemsOptions = {},
): AsyncGenerator<PipelineItem[]> {
  const rawLimit = options.rawLimit ?? DEFAULT_RAW_LIMIT;
  const markings = options.markings ?? mapping.markings;
  for await (const batch of batches) {
    const out: PipelineItem[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i];
      if (item.kind !== 'record') {
        out[i] = item;
        continue;
      }
      const context: ApplyContext = { markings, recordKey: String(item.position.index), line: item.position.line };
      const result = applyMapping(mapping, item.value, context);
      out[i] = result.ok
        ? { kind: 'mapped', position: item.position, objects: result.objects, links: result.links }
        : { kind: 'rejected', position: item.position, raw: truncateRaw(item.raw, rawLimit), code: RejectionCode.MappingFailed, reason: `line ${item.position.line}: ${result.reason}` };
    }
    yield out;
  }
}

/**
 * A job's record counts. `read` counts every record and rejected item of the file; `valid` the
 * ones mapped; `quarantined` the rejected ones. `balanced()` is the invariant the service checks
 * when a job ends: read = written + quarantined.
 */
export class IngestionTally {
  read = 0;
  valid = 0;
  quarantined = 0;
  written = 0;
  merged = 0;

  count(item: PipelineItem): void {
    if (item.kind === 'fatal') return;
    this.read++;
    if (item.kind === 'mapped') this.valid++;
    else this.quarantined++;
  }

  /**
   * Records of an acknowledged batch. Records the ontology writer refused (its
   * `batch.processed` event lists them by `recordKey`, the record's index) are not written:
   * pass them as `refused`, they count as quarantined.
   */
  acknowledge(records: number, merged = 0, refused = 0): void {
    this.written += records - refused;
    this.quarantined += refused;
    this.merged += merged;
  }

  balanced(): boolean {
    return this.read === this.written + this.quarantined;
  }

  toJSON(): { read: number; valid: number; quarantined: number; written: number; merged: number } {
    return { read: this.read, valid: this.valid, quarantined: this.quarantined, written: this.written, merged: this.merged };
  }
}
