import { bufferChunks, formatBytes, readPrefix, truncateRaw } from '../common/byte-source.util';
import { isUtf8 } from '../common/encoding.util';
import {
  ByteSource,
  CommonParseOptions,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_RAW_LIMIT,
  ParseItem,
  RejectionCode,
  SNIFF_BYTES,
} from '../common/parse-item.types';
import { checkJsonStart, driveChunkParser, JsonRecord } from './json-array.parser';
import { depthExceeds } from './json-depth.util';

export interface NdjsonParseOptions extends CommonParseOptions {
  /** Deepest nesting allowed in a record (default 64). */
  readonly maxDepth?: number;
  /** Accept lines that are not JSON objects (default false). */
  readonly allowNonObjects?: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

interface NdjsonConfig {
  maxDepth: number;
  maxRecordBytes: number;
  rawLimit: number;
  allowNonObjects: boolean;
  skipTo: number;
  skipLine?: number;
  dropThrough: number;
  firstIndex: number;
}

/** Newline-delimited JSON: one record per line; a bad line is rejected with its line number and reading goes on. */
export class NdjsonChunkParser {
  private base = 0;
  private line = 1;
  private index: number;
  private skipping: boolean;
  private parts: Buffer[] = [];
  private partsLength = 0;
  private pendingStart = -1;
  private discarded = 0;
  private head: Buffer | null = null;

  constructor(private readonly config: NdjsonConfig) {
    this.index = config.firstIndex;
    this.skipping = config.skipTo > 0;
  }

  startAt(offset: number): void {
    this.base = offset;
  }

  push(buf: Buffer, out: ParseItem<JsonRecord>[]): void {
    let pos = 0;
    const len = buf.length;
    if (this.skipping) {
      const skipTo = this.config.skipTo;
      if (this.base + len <= skipTo) {
        this.line += countLf(buf, 0, len);
        this.base += len;
        return;
      }
      pos = Math.max(0, skipTo - this.base);
      this.line = this.config.skipLine ?? this.line + countLf(buf, 0, pos);
      this.skipping = false;
    }
    if (this.pendingStart !== -1) {
      const end = buf.indexOf(LF, pos);
      if (end === -1) {
        this.keep(buf.subarray(pos));
        this.base += len;
        return;
      }
      this.keep(buf.subarray(pos, end));
      this.finishPending(out);
      pos = end + 1;
    }
    while (pos < len) {
      const end = buf.indexOf(LF, pos);
      if (end === -1) {
        this.pendingStart = this.base + pos;
        this.keep(buf.subarray(pos));
        break;
      }
      this.line++;
      this.emit(buf, pos, end, this.base + pos, this.line - 1, out);
      pos = end + 1;
    }
    this.base += len;
  }

  end(out: ParseItem<JsonRecord>[]): void {
    if (this.pendingStart !== -1) this.finishPending(out);
  }

  private keep(part: Buffer): void {
    if (this.head !== null) {
      this.discarded += part.length;
      return;
    }
    this.parts.push(part);
    this.partsLength += part.length;
    if (this.partsLength > this.config.maxRecordBytes) {
      const joined = Buffer.concat(this.parts, this.partsLength);
      this.head = Buffer.from(joined.subarray(0, this.config.rawLimit * 4));
      this.discarded = joined.length;
      this.parts = [];
      this.partsLength = 0;
    }
  }

  private finishPending(out: ParseItem<JsonRecord>[]): void {
    const offset = this.pendingStart;
    this.pendingStart = -1;
    const line = this.line++;
    if (this.head !== null) {
      const total = this.discarded;
      const raw = this.head.toString('utf8');
      this.head = null;
      this.discarded = 0;
      this.reject(out, line, offset, raw, total, RejectionCode.RecordTooLarge, `line ${line} is ${total} bytes, over the limit of ${formatBytes(this.config.maxRecordBytes)} (maxRecordBytes)`);
      return;
    }
    const record = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    this.emit(record, 0, record.length, offset, line, out);
  }

  private emit(buf: Buffer, start: number, end: number, offset: number, line: number, out: ParseItem<JsonRecord>[]): void {
    if (end > start && buf[end - 1] === CR) end--;
    const bytes = end - start;
    if (bytes > this.config.maxRecordBytes) {
      this.reject(out, line, offset, buf.toString('utf8', start, start + this.config.rawLimit * 4), bytes, RejectionCode.RecordTooLarge, `line ${line} is ${bytes} bytes, over the limit of ${formatBytes(this.config.maxRecordBytes)} (maxRecordBytes)`);
      return;
    }
    const raw = buf.toString('utf8', start, end);
    if (raw.trim() === '') return; // blank line: not a record
    if (raw.indexOf('\uFFFD') !== -1 && !isUtf8(buf.subarray(start, end))) {
      this.reject(out, line, offset, raw, bytes, RejectionCode.InvalidEncoding, `line ${line} is not valid UTF-8 (JSON must be UTF-8)`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      this.reject(out, line, offset, raw, bytes, RejectionCode.InvalidJson, `invalid JSON on line ${line}: ${(error as Error).message}`);
      return;
    }
    if (!this.config.allowNonObjects && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      this.reject(out, line, offset, raw, bytes, RejectionCode.NotAnObject, `line ${line} holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object`);
      return;
    }
    if (depthExceeds(value, this.config.maxDepth)) {
      this.reject(out, line, offset, raw, bytes, RejectionCode.TooDeep, `line ${line} nests deeper than the limit of ${this.config.maxDepth} levels (maxDepth)`);
      return;
    }
    const index = this.index++;
    if (index <= this.config.dropThrough) return;
    out.push({ kind: 'record', position: { line, offset, index }, raw, value: value as JsonRecord });
  }

  private reject(out: ParseItem<JsonRecord>[], line: number, offset: number, raw: string, bytes: number, code: RejectionCode, reason: string): void {
    const index = this.index++;
    if (index <= this.config.dropThrough) return;
    out.push({ kind: 'rejected', position: { line, offset, index }, raw: truncateRaw(raw, this.config.rawLimit, bytes), code, reason });
  }
}

function countLf(buf: Buffer, from: number, to: number): number {
  let count = 0;
  let at = buf.indexOf(LF, from);
  while (at !== -1 && at < to) {
    count++;
    at = buf.indexOf(LF, at + 1);
  }
  return count;
}

/** Parses NDJSON (JSON Lines), yielding the items of each chunk as one array. */
export async function* parseNdjsonBatches(source: ByteSource, options: NdjsonParseOptions = {}): AsyncGenerator<ParseItem<JsonRecord>[]> {
  const chunks = bufferChunks(source)[Symbol.asyncIterator]();
  const { prefix, ended } = await readPrefix(chunks, SNIFF_BYTES);
  const start = checkJsonStart(prefix, ended);
  if ('fatal' in start) {
    await chunks.return(undefined);
    yield [start.fatal];
    return;
  }
  const startAfter = options.startAfter;
  const parser = new NdjsonChunkParser({
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    rawLimit: options.rawLimit ?? DEFAULT_RAW_LIMIT,
    allowNonObjects: options.allowNonObjects ?? false,
    skipTo: startAfter?.offset ?? 0,
    skipLine: startAfter?.line,
    dropThrough: startAfter ? startAfter.index : -1,
    firstIndex: startAfter?.offset !== undefined ? startAfter.index : 0,
  });
  parser.startAt(start.skip);
  yield* driveChunkParser(parser, prefix.subarray(start.skip), ended, chunks);
}

/** Parses NDJSON item by item. */
export async function* parseNdjson(source: ByteSource, options: NdjsonParseOptions = {}): AsyncGenerator<ParseItem<JsonRecord>> {
  for await (const batch of parseNdjsonBatches(source, options)) yield* batch;
}
