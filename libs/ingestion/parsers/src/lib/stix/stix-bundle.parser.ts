import { BatchLink, BatchObject } from '@vigie/ontology-contracts';
import { bufferChunks, readPrefix, truncateRaw } from '../common/byte-source.util';
import {
  ByteSource,
  CommonParseOptions,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_RAW_LIMIT,
  FatalCode,
  FatalParseError,
  ParseItem,
  ParsedRecord,
  RejectedRecord,
} from '../common/parse-item.types';
import { SNIFF_BYTES } from '../common/parse-item.types';
import { checkJsonStart, driveChunkParser, JsonArrayChunkParser, JsonRecord } from '../json/json-array.parser';
import { StixMapper, StixMapperOptions } from './stix.mapper';

export interface StixParseOptions extends CommonParseOptions, StixMapperOptions {
  /** Deepest nesting allowed in a STIX object (default 64). */
  readonly maxDepth?: number;
}

/** A STIX object read and mapped: its ontology objects and links (none for a marking definition). */
export interface StixRecord extends ParsedRecord<JsonRecord> {
  readonly stixType: string;
  readonly objects: BatchObject[];
  readonly links: BatchLink[];
  /** Set for objects that write nothing (marking definitions): what was understood. */
  readonly note?: string;
}

export type StixItem = StixRecord | RejectedRecord | FatalParseError;

/**
 * Reads a STIX 2.1 bundle (streamed: `objects` one at a time) or a bare JSON array of STIX
 * objects, and maps each object to the ontology. Unknown types, malformed objects and objects
 * marked with unknown markings are rejected (to quarantine) with their reason — never dropped.
 *
 * Resuming (`startAfter`) re-reads the bundle from the start — marking definitions met before the
 * resume point must be known again — and yields only the items after it.
 */
export async function* parseStixBundleBatches(source: ByteSource, options: StixParseOptions = {}): AsyncGenerator<StixItem[]> {
  const chunks = bufferChunks(source)[Symbol.asyncIterator]();
  const { prefix, ended } = await readPrefix(chunks, SNIFF_BYTES);
  const start = checkJsonStart(prefix, ended);
  if ('fatal' in start) {
    await chunks.return(undefined);
    yield [start.fatal as FatalParseError];
    return;
  }
  let bundleType: unknown;
  let bundleVersion: unknown;
  const rawLimit = options.rawLimit ?? DEFAULT_RAW_LIMIT;
  const parser = new JsonArrayChunkParser({
    path: 'objects',
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    rawLimit,
    allowNonObjects: false,
    skipTo: 0,
    dropThrough: -1,
    firstIndex: 0,
    onEnvelope: (key, value) => {
      if (key === 'type') bundleType = value;
      if (key === 'spec_version') bundleVersion = value;
    },
  });
  parser.startAt(start.skip);
  const mapper = new StixMapper(options);
  const dropThrough = options.startAfter?.index ?? -1;
  for await (const batch of driveChunkParser<JsonRecord>(parser, prefix.subarray(start.skip), ended, chunks)) {
    if (bundleType !== undefined && bundleType !== 'bundle') {
      yield [notABundle(bundleType)];
      await chunks.return?.(undefined);
      return;
    }
    if (bundleVersion !== undefined && bundleVersion !== '2.1') {
      // only STIX 2.0 bundles carry a spec_version: their objects do not say theirs
      yield [{ kind: 'fatal', position: { line: 1, offset: 0, index: 0 }, code: FatalCode.NotStixBundle, reason: `STIX ${String(bundleVersion)} bundle: only STIX 2.1 is read` }];
      await chunks.return?.(undefined);
      return;
    }
    const out: StixItem[] = [];
    for (const item of batch) {
      const mapped = mapItem(item, mapper, rawLimit);
      if (mapped.kind !== 'fatal' && mapped.position.index <= dropThrough) continue;
      out.push(mapped);
    }
    if (out.length > 0) yield out;
  }
  if (bundleType !== undefined && bundleType !== 'bundle') yield [notABundle(bundleType)];
}

function notABundle(type: unknown): FatalParseError {
  return { kind: 'fatal', position: { line: 1, offset: 0, index: 0 }, code: FatalCode.NotStixBundle, reason: `not a STIX bundle: the top-level object has type ${JSON.stringify(type)}, not "bundle"` };
}

function mapItem(item: ParseItem<JsonRecord>, mapper: StixMapper, rawLimit: number): StixItem {
  if (item.kind === 'fatal') {
    if (item.code === FatalCode.NotJson && /has no "objects" array/.test(item.reason)) {
      return { ...item, code: FatalCode.NotStixBundle, reason: 'not a STIX bundle: the top-level object has no "objects" array' };
    }
    return item;
  }
  if (item.kind === 'rejected') return item;
  const value = item.value;
  const result = mapper.map(value, { recordKey: String(item.position.index), line: item.position.line });
  if (!result.ok) return { kind: 'rejected', position: item.position, raw: truncateRaw(item.raw, rawLimit), code: result.code, reason: result.reason };
  return {
    kind: 'record',
    position: item.position,
    raw: item.raw,
    value,
    stixType: String(value.type),
    objects: result.objects,
    links: result.links,
    ...(result.note ? { note: result.note } : {}),
  };
}

/** Reads a STIX 2.1 bundle item by item. */
export async function* parseStixBundle(source: ByteSource, options: StixParseOptions = {}): AsyncGenerator<StixItem> {
  for await (const batch of parseStixBundleBatches(source, options)) yield* batch;
}
