import { bufferChunks, countByte, formatBytes, readPrefix, truncateRaw } from '../common/byte-source.util';
import { decodeBytes, EncodingDetection, isUtf8, sniffEncoding, TextEncoding } from '../common/encoding.util';
import {
  ByteSource,
  CommonParseOptions,
  DEFAULT_MAX_FIELD_BYTES,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_RAW_LIMIT,
  FatalCode,
  ParseItem,
  RejectionCode,
  SNIFF_BYTES,
} from '../common/parse-item.types';
import { CSV_DELIMITERS, CsvDelimiter, detectDelimiter, detectLineEnding, LineEnding } from './csv-dialect.util';

export type CsvRow = Record<string, string>;

export interface CsvParseOptions extends CommonParseOptions {
  /** Field delimiter; detected from the first lines when absent. */
  readonly delimiter?: CsvDelimiter;
  /** Text encoding; detected when absent (UTF-8 with or without BOM, else Windows-1252). */
  readonly encoding?: TextEncoding;
  /** `true` (default): the first record names the columns. A list: these names, and no header row. */
  readonly header?: true | readonly string[];
  /** Largest field, in bytes (default 10 MiB); a record with a larger field is rejected. */
  readonly maxFieldBytes?: number;
  /**
   * `strict` (default): a record must have as many fields as the header. `relaxed`: missing
   * trailing fields are left out of the value, extra fields are accepted when empty.
   */
  readonly columnCount?: 'strict' | 'relaxed';
  /** Told once what was detected (after the header row). */
  readonly onDetect?: (detection: CsvDetection) => void;
}

export interface CsvDetection {
  readonly encoding: EncodingDetection;
  readonly delimiter: CsvDelimiter;
  readonly delimiterDetected: boolean;
  readonly lineEnding: LineEnding;
  readonly columns: readonly string[];
  /**
   * Set when the sample was pure ASCII, UTF-8 was assumed, and the record on this line proved the
   * file to be Windows-1252 (`encoding` then says so; earlier records were ASCII, so read the same).
   */
  readonly switchedAtLine?: number;
  /** Header cells renamed because they were empty or repeated: `{ column, from, to }`. */
  readonly renamedColumns: readonly { column: number; from: string; to: string }[];
}

const QUOTE = 0x22;
const CR = 0x0d;
const NUL = 0;

/** Scanner states for records that hold a quote. */
const enum St {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  CrAfterQuote,
}

interface CsvConfig {
  delimiter: CsvDelimiter;
  eol: number;
  encoding: TextEncoding;
  /** UTF-8 assumed from an ASCII sample: may still turn out to be Windows-1252. */
  tentative: boolean;
  header: true | readonly string[];
  maxFieldBytes: number;
  maxRecordBytes: number;
  rawLimit: number;
  relaxed: boolean;
  skipTo: number;
  skipLine?: number;
  dropThrough: number;
  firstIndex: number;
}

/**
 * Streaming CSV parser (RFC 4180 plus the habits of real files). Records without a quote take a
 * fast path (one `indexOf` for the line end, one decode, one `split`); records with quotes go
 * through a byte state machine that survives chunk boundaries. Memory holds at most one record
 * (bounded by `maxRecordBytes`) besides the current chunk.
 */
export class CsvChunkParser {
  private readonly delimiterCode: number;
  /** Global offset of the chunk being processed. */
  private base = 0;
  /** Line of the next record's first byte. */
  private line = 1;
  private index: number;
  private columns: string[] | null;
  private renamed: { column: number; from: string; to: string }[] = [];
  private skipping: boolean;
  // pending record (spans chunks or holds quotes)
  private pending = false;
  private parts: Buffer[] = [];
  private partsLength = 0;
  private pendingStart = 0;
  private pendingLine = 1;
  private pendingEols = 0;
  private st: St = St.FieldStart;
  private malformedAt = -1;
  private quoteLine = 0;
  private discarding = false;
  private discardHead: Buffer | null = null;
  private discardTotal = 0;
  /** Builds a row object with a fixed shape from the fields (fast path), when the header allows it. */
  private build: ((fields: string[]) => CsvRow) | null = null;

  constructor(
    private readonly config: CsvConfig,
    private readonly onHeader: (columns: string[], renamed: { column: number; from: string; to: string }[]) => void,
    private readonly onSwitch: (line: number) => void = () => undefined,
  ) {
    this.delimiterCode = config.delimiter.charCodeAt(0);
    this.columns = config.header === true ? null : [...config.header];
    if (this.columns !== null) this.build = rowBuilder(this.columns);
    this.index = config.firstIndex;
    this.skipping = config.skipTo > 0;
  }

  get encoding(): TextEncoding {
    return this.config.encoding;
  }

  /** Starts counting at `offset` (bytes before it — a BOM — are not parsed). */
  startAt(offset: number): void {
    this.base = offset;
  }

  push(buf: Buffer, out: ParseItem<CsvRow>[]): void {
    let pos = 0;
    const len = buf.length;
    if (this.skipping && this.columns !== null) {
      const skipTo = this.config.skipTo;
      if (this.base + len <= skipTo) {
        if (this.config.skipLine === undefined) this.line += countByte(buf, this.config.eol);
        this.base += len;
        return;
      }
      pos = Math.max(0, skipTo - this.base);
      if (this.config.skipLine === undefined) this.line += countByte(buf, this.config.eol, 0, pos);
      else this.line = this.config.skipLine;
      this.skipping = false;
    }
    const hasNul = buf.indexOf(NUL, pos) !== -1;
    if (this.pending) {
      const end = this.scan(buf, pos);
      if (end === -1) {
        this.append(buf.subarray(pos));
        this.base += len;
        return;
      }
      this.append(buf.subarray(pos, end));
      this.finishPending(out, true);
      pos = end + 1;
    }
    const eol = this.config.eol;
    let nextQuote = buf.indexOf(QUOTE, pos);
    while (pos < len) {
      if (this.skipping && this.columns !== null) {
        // the header was in this chunk: skip to the resume offset now
        this.base += pos;
        this.push(buf.subarray(pos), out);
        return;
      }
      const end = buf.indexOf(eol, pos);
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = buf.indexOf(QUOTE, pos);
      if (end !== -1 && (nextQuote === -1 || nextQuote > end)) {
        this.emit(buf, pos, end, this.base + pos, this.line, 1, false, hasNul, out);
        pos = end + 1;
        continue;
      }
      this.startPending(pos);
      const recordEnd = end === -1 ? -1 : this.scan(buf, pos);
      if (recordEnd === -1) {
        if (end === -1) this.scan(buf, pos);
        this.append(buf.subarray(pos));
        break;
      }
      this.pending = false;
      const eols = countByte(buf, eol, pos, recordEnd);
      this.emit(buf, pos, recordEnd, this.base + pos, this.line, eols + 1, true, hasNul, out);
      pos = recordEnd + 1;
    }
    this.base += len;
  }

  end(out: ParseItem<CsvRow>[]): void {
    if (!this.pending) {
      this.announceIfHeaderless();
      return;
    }
    if (this.st === St.Quoted && this.malformedAt === -1) {
      this.unbalancedAtEnd(out);
      return;
    }
    this.finishPending(out, false);
    this.announceIfHeaderless();
  }

  private announceIfHeaderless(): void {
    if (this.columns === null) {
      this.columns = [];
      this.onHeader([], []);
    }
  }

  private startPending(pos: number): void {
    this.pending = true;
    this.parts = [];
    this.partsLength = 0;
    this.pendingStart = this.base + pos;
    this.pendingLine = this.line;
    this.pendingEols = 0;
    this.st = St.FieldStart;
    this.malformedAt = -1;
    this.quoteLine = 0;
    this.discarding = false;
    this.discardHead = null;
    this.discardTotal = 0;
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    this.pendingEols += countByte(part, this.config.eol);
    if (this.discarding) {
      this.discardTotal += part.length;
      return;
    }
    this.parts.push(part);
    this.partsLength += part.length;
    if (this.partsLength > this.config.maxRecordBytes) {
      const joined = Buffer.concat(this.parts, this.partsLength);
      this.discardHead = Buffer.from(joined.subarray(0, Math.min(joined.length, this.config.rawLimit * 4)));
      this.discardTotal = this.partsLength;
      this.parts = [];
      this.partsLength = 0;
      this.discarding = true;
    }
  }

  /** Completes the pending record; `withEol` when a line end was found (its line count includes it). */
  private finishPending(out: ParseItem<CsvRow>[], withEol: boolean): void {
    this.pending = false;
    const lines = this.pendingEols + (withEol ? 1 : 0);
    if (this.discarding) {
      const head = this.discardHead ?? Buffer.alloc(0);
      this.rejectAt(
        out,
        this.pendingStart,
        this.pendingLine,
        decodeBytes(head, this.config.encoding, 0, head.length),
        this.discardTotal,
        RejectionCode.RecordTooLarge,
        `record is ${this.discardTotal} bytes, over the limit of ${formatBytes(this.config.maxRecordBytes)} (maxRecordBytes); skipped`,
      );
      this.line = this.pendingLine + lines;
      this.discarding = false;
      this.discardHead = null;
      return;
    }
    const record = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    this.emit(record, 0, record.length, this.pendingStart, this.pendingLine, lines, true, record.indexOf(NUL) !== -1, out);
  }

  /** End of file inside a quoted field: reject the opening line and parse the rest again. */
  private unbalancedAtEnd(out: ParseItem<CsvRow>[]): void {
    this.pending = false;
    const opened = `the quoted field opened on line ${this.quoteLine || this.pendingLine} is never closed`;
    if (this.discarding) {
      const head = this.discardHead ?? Buffer.alloc(0);
      this.rejectAt(
        out,
        this.pendingStart,
        this.pendingLine,
        decodeBytes(head, this.config.encoding, 0, head.length),
        this.discardTotal,
        RejectionCode.UnbalancedQuote,
        `unbalanced quote: ${opened}; the rest of the file (${this.discardTotal} bytes from offset ${this.pendingStart}) is longer than maxRecordBytes (${formatBytes(this.config.maxRecordBytes)}) and could not be split into records`,
      );
      this.discarding = false;
      return;
    }
    const record = Buffer.concat(this.parts, this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    const firstEol = record.indexOf(this.config.eol);
    if (firstEol === -1) {
      this.rejectAt(out, this.pendingStart, this.pendingLine, this.decode(record, 0, record.length), record.length, RejectionCode.UnbalancedQuote, `unbalanced quote: ${opened} before the end of the file`);
      return;
    }
    let lineEnd = firstEol;
    if (this.config.eol !== CR && lineEnd > 0 && record[lineEnd - 1] === CR) lineEnd--;
    this.rejectAt(
      out,
      this.pendingStart,
      this.pendingLine,
      this.decode(record, 0, lineEnd),
      lineEnd,
      RejectionCode.UnbalancedQuote,
      `unbalanced quote: ${opened} before the end of the file; line ${this.pendingLine} is rejected and parsing resumes on the next line`,
    );
    this.base = this.pendingStart + firstEol + 1;
    this.line = this.pendingLine + 1;
    const rest = record.subarray(firstEol + 1);
    const saved = this.base;
    this.push(rest, out);
    this.base = saved + rest.length;
    this.end(out);
  }

  /** Runs the quote-aware state machine from `from`; returns the index of the record's line end, or -1. */
  private scan(buf: Buffer, from: number): number {
    const D = this.delimiterCode;
    const E = this.config.eol;
    const len = buf.length;
    let st = this.st;
    for (let i = from; i < len; i++) {
      const b = buf[i];
      switch (st) {
        case St.FieldStart:
          if (b === QUOTE) {
            st = St.Quoted;
            if (this.quoteLine === 0) this.quoteLine = this.pendingLine + this.pendingEols + countByte(buf, E, from, i);
          } else if (b === E) {
            this.st = St.FieldStart;
            return i;
          } else if (b !== D) st = St.Unquoted;
          break;
        case St.Unquoted:
          if (b === D) st = St.FieldStart;
          else if (b === E) {
            this.st = St.FieldStart;
            return i;
          }
          break;
        case St.Quoted: {
          const q = buf.indexOf(QUOTE, i);
          if (q === -1) {
            i = len;
          } else {
            i = q;
            st = St.QuoteInQuoted;
          }
          break;
        }
        case St.QuoteInQuoted:
          if (b === QUOTE) st = St.Quoted;
          else if (b === D) {
            st = St.FieldStart;
            this.quoteLine = 0;
          } else if (b === E) {
            this.st = St.FieldStart;
            return i;
          } else if (b === CR && E !== CR) st = St.CrAfterQuote;
          else {
            if (this.malformedAt === -1) this.malformedAt = this.partsLength + this.discardTotal + (i - from);
            st = St.Unquoted;
          }
          break;
        case St.CrAfterQuote:
          if (b === E) {
            this.st = St.FieldStart;
            return i;
          }
          if (this.malformedAt === -1) this.malformedAt = this.partsLength + this.discardTotal + (i - from);
          st = b === D ? St.FieldStart : St.Unquoted;
          break;
      }
    }
    this.st = st;
    return -1;
  }

  private decode(buf: Buffer, start: number, end: number): string {
    return decodeBytes(buf, this.config.encoding, start, end);
  }

  private rejectAt(out: ParseItem<CsvRow>[], offset: number, line: number, raw: string, bytes: number, code: RejectionCode, reason: string): void {
    const index = this.index++;
    if (index <= this.config.dropThrough) return;
    out.push({ kind: 'rejected', position: { line, offset, index }, raw: truncateRaw(raw, this.config.rawLimit, bytes), code, reason });
  }

  /** Emits the record in `buf[start, end)` (its line end excluded). */
  private emit(buf: Buffer, start: number, end: number, offset: number, line: number, lines: number, quoted: boolean, hasNul: boolean, out: ParseItem<CsvRow>[]): void {
    this.line = line + lines;
    const config = this.config;
    if (config.eol !== CR && end > start && buf[end - 1] === CR) end--;
    if (end === start) return; // blank line: not a record
    const bytes = end - start;
    if (bytes > config.maxRecordBytes) {
      this.rejectAt(out, offset, line, this.decode(buf, start, Math.min(end, start + config.rawLimit * 4)), bytes, RejectionCode.RecordTooLarge, `record is ${bytes} bytes, over the limit of ${formatBytes(config.maxRecordBytes)} (maxRecordBytes)`);
      return;
    }
    let raw = this.decode(buf, start, end);
    if (config.encoding === 'utf8') {
      if (raw.indexOf('\uFFFD') !== -1 && !isUtf8(buf.subarray(start, end))) {
        if (config.tentative) {
          // every record so far was ASCII (read the same in both): the file is Windows-1252
          config.encoding = 'windows-1252';
          config.tentative = false;
          raw = this.decode(buf, start, end);
          this.onSwitch(line);
        } else {
          this.rejectAt(out, offset, line, raw, bytes, RejectionCode.InvalidEncoding, `invalid UTF-8 byte sequence on line ${line} (the file was detected as UTF-8)`);
          return;
        }
      } else if (config.tentative && raw.length !== bytes) config.tentative = false; // multi-byte UTF-8 seen: UTF-8 for good
    }
    if (hasNul && raw.indexOf('\0') !== -1) {
      this.rejectAt(out, offset, line, raw.replace(/\0/g, '\\0'), bytes, RejectionCode.ControlCharacter, `NUL byte in the record on line ${line} (binary data?)`);
      return;
    }
    if (quoted && this.malformedAt !== -1) {
      this.rejectAt(out, offset, line, raw, bytes, RejectionCode.MalformedQuote, `malformed quoting on line ${line}: a character follows a closing quote (byte ${this.malformedAt} of the record); a quote inside a field must be doubled`);
      return;
    }
    const fields = quoted ? splitQuoted(raw, config.delimiter) : raw.split(config.delimiter);
    if (this.columns === null) {
      this.setHeader(fields);
      return;
    }
    const columns = this.columns;
    const count = columns.length;
    if (fields.length !== count) {
      const extraEmpty = fields.length > count && fields.slice(count).every((f) => f === '');
      if (!config.relaxed || (fields.length > count && !extraEmpty)) {
        this.rejectAt(out, offset, line, raw, bytes, RejectionCode.ColumnCount, `record on line ${line} has ${fields.length} fields, the header has ${count}`);
        return;
      }
    }
    if (bytes > config.maxFieldBytes) {
      for (let i = 0; i < fields.length; i++) {
        const size = Buffer.byteLength(fields[i], config.encoding === 'utf8' ? 'utf8' : 'latin1');
        if (size > config.maxFieldBytes) {
          this.rejectAt(out, offset, line, raw, bytes, RejectionCode.FieldTooLarge, `field "${columns[i] ?? `#${i + 1}`}" (column ${i + 1}) on line ${line} is ${size} bytes, over the limit of ${formatBytes(config.maxFieldBytes)} (maxFieldBytes)`);
          return;
        }
      }
    }
    const index = this.index++;
    if (index <= config.dropThrough) return;
    let value: CsvRow;
    if (fields.length === count && this.build !== null) value = this.build(fields);
    else {
      value = {};
      const n = fields.length < count ? fields.length : count;
      for (let i = 0; i < n; i++) {
        if (columns[i] === '__proto__') Object.defineProperty(value, '__proto__', { value: fields[i], enumerable: true, writable: true, configurable: true });
        else value[columns[i]] = fields[i];
      }
    }
    out.push({ kind: 'record', position: { line, offset, index }, raw, value });
  }

  private setHeader(cells: string[]): void {
    const seen = new Map<string, number>();
    const columns = cells.map((cell, i) => {
      let name = cell.trim();
      if (name === '') {
        name = `column_${i + 1}`;
        this.renamed.push({ column: i + 1, from: cell, to: name });
      }
      const times = seen.get(name) ?? 0;
      seen.set(name, times + 1);
      if (times > 0) {
        let renamed = `${name}_${times + 1}`;
        while (seen.has(renamed)) renamed = `${renamed}_`;
        seen.set(renamed, 1);
        this.renamed.push({ column: i + 1, from: cell, to: renamed });
        name = renamed;
      }
      return name;
    });
    this.columns = columns;
    this.build = rowBuilder(columns);
    this.onHeader(columns, this.renamed);
  }
}

/**
 * A function returning `{ "<column 1>": fields[0], … }` as one object literal: V8 then gives every
 * row the same hidden class, several times faster than adding keys one by one. Column names are
 * embedded as JSON string literals; a header naming `__proto__` (which a literal would treat as
 * the prototype) or too many columns keeps the generic path.
 */
export function rowBuilder(columns: readonly string[]): ((fields: string[]) => CsvRow) | null {
  if (columns.length === 0 || columns.length > 500 || columns.includes('__proto__')) return null;
  const body = `return {${columns.map((c, i) => `${JSON.stringify(c)}: f[${i}]`).join(', ')}};`;
  return new Function('f', body) as (fields: string[]) => CsvRow;
}

/** Splits a record that holds quotes; assumes the scanner found its quoting well-formed. */
export function splitQuoted(raw: string, delimiter: string): string[] {
  const fields: string[] = [];
  const n = raw.length;
  let i = 0;
  for (;;) {
    if (raw.charCodeAt(i) === QUOTE) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = raw.indexOf('"', j);
        if (q === -1) {
          value += raw.slice(j);
          i = n;
          break;
        }
        value += raw.slice(j, q);
        if (raw.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // a CR kept between the closing quote and the delimiter is dropped
      if (raw.charCodeAt(i) === CR) i++;
      fields.push(value);
      if (i >= n) return fields;
      i++; // the delimiter
      if (i >= n) {
        fields.push('');
        return fields;
      }
    } else {
      const d = raw.indexOf(delimiter, i);
      if (d === -1) {
        fields.push(raw.slice(i));
        return fields;
      }
      fields.push(raw.slice(i, d));
      i = d + 1;
      if (i >= n) {
        fields.push('');
        return fields;
      }
    }
  }
}

/**
 * Parses CSV, yielding the items of each chunk as one array (the fast way to consume it).
 * See `parseCsv` for the item-by-item form.
 */
export async function* parseCsvBatches(source: ByteSource, options: CsvParseOptions = {}): AsyncGenerator<ParseItem<CsvRow>[]> {
  const chunks = bufferChunks(source)[Symbol.asyncIterator]();
  try {
    yield* readCsv(chunks, options);
  } finally {
    // the consumer stopped early (or the file ended): release the source
    await chunks.return(undefined);
  }
}

async function* readCsv(chunks: AsyncGenerator<Buffer>, options: CsvParseOptions): AsyncGenerator<ParseItem<CsvRow>[]> {
  const { prefix, ended } = await readPrefix(chunks, SNIFF_BYTES);
  const origin = { line: 1, offset: 0, index: 0 };
  if (prefix.length === 0) {
    yield [{ kind: 'fatal', position: origin, code: FatalCode.EmptyFile, reason: 'empty file: no bytes to read' }];
    return;
  }
  const sniff = sniffEncoding(prefix, ended, options.encoding);
  if (!sniff.ok) {
    const code = sniff.binaryAt === undefined ? FatalCode.UnsupportedEncoding : FatalCode.BinaryFile;
    yield [{ kind: 'fatal', position: { ...origin, offset: sniff.binaryAt ?? 0 }, code, reason: sniff.reason }];
    return;
  }
  const body = prefix.subarray(sniff.skip);
  if (ended && body.toString('latin1').trim() === '') {
    yield [{ kind: 'fatal', position: origin, code: FatalCode.EmptyFile, reason: `empty file: ${prefix.length} bytes of whitespace${sniff.detection.bom ? ' after a byte order mark' : ''}, no header and no record` }];
    return;
  }
  const lineEnding = detectLineEnding(body);
  const delimiter = options.delimiter ?? detectDelimiter(body, ended, lineEnding);
  if (!CSV_DELIMITERS.includes(delimiter)) throw new TypeError(`delimiter must be one of ${CSV_DELIMITERS.map((d) => JSON.stringify(d)).join(', ')}`);
  const startAfter = options.startAfter;
  const config: CsvConfig = {
    delimiter,
    eol: lineEnding === '\r' ? CR : 0x0a,
    encoding: sniff.detection.encoding,
    tentative: sniff.detection.evidence === 'ascii',
    header: options.header ?? true,
    maxFieldBytes: options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES,
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    rawLimit: options.rawLimit ?? DEFAULT_RAW_LIMIT,
    relaxed: options.columnCount === 'relaxed',
    skipTo: startAfter?.offset ?? 0,
    skipLine: startAfter?.line,
    // with an offset, the item at that offset is the acknowledged one: it gets its own index and is dropped
    dropThrough: startAfter ? startAfter.index : -1,
    firstIndex: startAfter?.offset !== undefined ? startAfter.index : 0,
  };
  let detection: CsvDetection | undefined;
  const parser = new CsvChunkParser(
    config,
    (columns, renamed) => {
      detection = { encoding: sniff.detection, delimiter, delimiterDetected: options.delimiter === undefined, lineEnding, columns, renamedColumns: renamed };
      options.onDetect?.(detection);
    },
    (line) => {
      if (!detection) return;
      detection = { ...detection, encoding: { encoding: 'windows-1252', bom: false, evidence: 'invalid-utf8' }, switchedAtLine: line };
      options.onDetect?.(detection);
    },
  );
  parser.startAt(sniff.skip);
  let out: ParseItem<CsvRow>[] = [];
  parser.push(body, out);
  if (out.length > 0) yield out;
  if (!ended) {
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      out = [];
      parser.push(next.value, out);
      if (out.length > 0) yield out;
    }
  }
  out = [];
  parser.end(out);
  if (out.length > 0) yield out;
}

/** Parses CSV item by item: `{ kind: 'record' | 'rejected' | 'fatal', position, … }`. */
export async function* parseCsv(source: ByteSource, options: CsvParseOptions = {}): AsyncGenerator<ParseItem<CsvRow>> {
  for await (const batch of parseCsvBatches(source, options)) yield* batch;
}
