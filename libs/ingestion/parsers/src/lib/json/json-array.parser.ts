import { bufferChunks, formatBytes, readPrefix, truncateRaw } from '../common/byte-source.util';
import { isUtf8, sniffEncoding } from '../common/encoding.util';
import {
  ByteSource,
  CommonParseOptions,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_RAW_LIMIT,
  FatalCode,
  ParseItem,
  RecordPosition,
  RejectionCode,
  SNIFF_BYTES,
} from '../common/parse-item.types';

export type JsonRecord = Record<string, unknown>;

export interface JsonArrayParseOptions extends CommonParseOptions {
  /**
   * The key of the top-level object whose array holds the records (`objects` for a STIX bundle).
   * Without it the top level must be an array of records, or a single object (one record).
   * When given, a top-level array is still accepted as the list of records.
   */
  readonly path?: string;
  /** Deepest nesting allowed in a record (default 64; the record itself is depth 1). */
  readonly maxDepth?: number;
  /** Accept records that are not JSON objects (default false: rejected as NOT_AN_OBJECT). */
  readonly allowNonObjects?: boolean;
  /** Told about every other key of the top-level object (small values only), in file order. */
  readonly onEnvelope?: (key: string, value: unknown) => void;
}

const enum B {
  Tab = 0x09,
  Lf = 0x0a,
  Cr = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Colon = 0x3a,
  LBracket = 0x5b,
  Backslash = 0x5c,
  RBracket = 0x5d,
  LBrace = 0x7b,
  RBrace = 0x7d,
}

const enum S {
  RootStart,
  ObjExpectKey,
  ObjKey,
  ObjExpectColon,
  ObjExpectValue,
  ObjAfterValue,
  ArrExpectValue,
  Element,
  AfterElement,
  RootEnd,
  Resync,
  Drain,
  Done,
}

const isWs = (b: number): boolean => b === B.Space || b === B.Lf || b === B.Cr || b === B.Tab;
const ENVELOPE_LIMIT = 64 * 1024;

interface JsonConfig {
  path?: string;
  maxDepth: number;
  maxRecordBytes: number;
  rawLimit: number;
  allowNonObjects: boolean;
  skipTo: number;
  skipLine?: number;
  dropThrough: number;
  firstIndex: number;
  onEnvelope?: (key: string, value: unknown) => void;
}

/** Keeps the first `limit` bytes of a stream of parts and counts the rest. */
class ByteHead {
  private parts: Buffer[] = [];
  private kept = 0;
  total = 0;
  constructor(private readonly limit: number) {}
  add(part: Buffer): void {
    this.total += part.length;
    if (this.kept >= this.limit || part.length === 0) return;
    const slice = part.subarray(0, this.limit - this.kept);
    this.parts.push(Buffer.from(slice));
    this.kept += slice.length;
  }
  text(): string {
    return Buffer.concat(this.parts, this.kept).toString('utf8');
  }
}

/**
 * Streaming JSON reader for a top-level array of records (or the array under one key of a
 * top-level object). A byte scanner finds where each element starts and ends (strings, escapes,
 * bracket nesting and depth), then `JSON.parse` reads the element alone: memory holds one element.
 *
 * Bad input: an element that is not valid JSON but whose end is clear is rejected and reading goes
 * on. A structural error (mismatched bracket, a line break inside a string, a missing comma, an
 * element cut by the end of the file) loses the element boundaries; then, when the elements start
 * on lines of their own (pretty-printed arrays), the reader skips to the next line that starts at
 * the first element's column with the first element's opening character, and rejects the skipped
 * bytes as one item. When elements share lines (compact arrays), the rest of the file is rejected
 * as one item naming the error and its line.
 */
export class JsonArrayChunkParser {
  private state: S = S.RootStart;
  private base = 0;
  private line = 1;
  private lineStart = 0;
  private index: number;
  private skipping: boolean;
  private inPath = false;
  /** First non-space byte of the file. */
  private rootByte = 0;
  private arrayFound = false;
  // current element
  private elemStart = 0;
  private elemLine = 1;
  private elemStartInChunk = -1;
  private parts: Buffer[] = [];
  private partsLength = 0;
  private discarding = false;
  private head: ByteHead | null = null;
  private depth = 0;
  private maxSeen = 0;
  private stack: number[] = [];
  private inString = false;
  private escape = false;
  private scalar = false;
  private envelopeKey: string | null = null;
  // object keys
  private keyBytes: number[] = [];
  private keyEscape = false;
  private currentKey = '';
  // resynchronisation
  private resyncColumn = -1;
  private resyncChar = 0;
  private rejectStart = 0;
  private rejectLine = 1;
  private rejectReason = '';
  private rejectHead: ByteHead | null = null;
  private leading = true;
  private leadingColumn = 0;

  constructor(private readonly config: JsonConfig) {
    this.index = config.firstIndex;
    this.skipping = config.skipTo > 0;
  }

  startAt(offset: number): void {
    this.base = offset;
    this.lineStart = offset;
  }

  push(buf: Buffer, out: ParseItem<JsonRecord>[]): void {
    let i = 0;
    const len = buf.length;
    if (this.state === S.Done) {
      this.base += len;
      return;
    }
    if (this.rootByte === 0) {
      for (let k = 0; k < len; k++) if (!isWs(buf[k])) {
        this.rootByte = buf[k];
        break;
      }
    }
    if (this.skipping) {
      const skipTo = this.config.skipTo;
      if (this.base + len <= skipTo) {
        this.countLines(buf, 0, len);
        this.base += len;
        return;
      }
      i = Math.max(0, skipTo - this.base);
      this.countLines(buf, 0, i);
      if (this.config.skipLine !== undefined) this.line = this.config.skipLine;
      this.skipping = false;
      this.state = S.ArrExpectValue;
      this.inPath = this.config.path !== undefined && this.rootByte === B.LBrace;
      this.arrayFound = true;
    }
    if (this.state === S.Element) this.elemStartInChunk = 0;
    while (i < len) {
      switch (this.state) {
        case S.Element:
          i = this.scanElement(buf, i, out);
          if (i < 0) return; // re-fed after a structural error
          break;
        case S.Resync:
          i = this.scanResync(buf, i, out);
          break;
        case S.Drain:
          this.rejectHead?.add(buf.subarray(i));
          this.countLines(buf, i, len);
          i = len;
          break;
        default:
          i = this.step(buf, i, out);
          if (i < 0) return;
      }
    }
    if (this.state === S.Element) this.keepElementBytes(buf.subarray(this.elemStartInChunk === -1 ? 0 : this.elemStartInChunk));
    this.elemStartInChunk = -1;
    this.base += len;
  }

  end(out: ParseItem<JsonRecord>[]): void {
    const here = (): RecordPosition => ({ line: this.line, offset: this.base, index: this.index });
    switch (this.state) {
      case S.Element:
        if (this.scalar && this.depth === 0 && !this.inString) {
          this.completeElement(Buffer.alloc(0), 0, 0, out);
          if (this.inArrayAtEnd()) out.push({ kind: 'fatal', position: here(), code: FatalCode.Truncated, reason: 'truncated file: the top-level array is not closed' });
          return;
        }
        this.rejectElementBytes(out, RejectionCode.InvalidJson, `unexpected end of file inside the element that starts on line ${this.elemLine} (${this.inString ? 'unterminated string' : `${this.depth} bracket(s) not closed`})`);
        return;
      case S.Resync:
        this.flushRejected(out, this.base, `${this.rejectReason}; no further element start was found before the end of the file`);
        return;
      case S.Drain:
        this.flushRejected(out, this.base, this.rejectReason);
        return;
      case S.RootStart:
        out.push({ kind: 'fatal', position: here(), code: FatalCode.EmptyFile, reason: 'empty file: no JSON value' });
        return;
      case S.RootEnd:
      case S.Done:
        if (this.config.path !== undefined && !this.arrayFound && this.state === S.RootEnd) {
          out.push({ kind: 'fatal', position: here(), code: FatalCode.NotJson, reason: `the top-level object has no "${this.config.path}" array` });
        }
        return;
      default:
        out.push({ kind: 'fatal', position: here(), code: FatalCode.Truncated, reason: `truncated file: it ends inside the top-level ${this.state === S.ArrExpectValue || this.state === S.AfterElement ? 'array' : 'object'}` });
    }
  }

  private inArrayAtEnd(): boolean {
    return this.state === S.AfterElement;
  }

  private countLines(buf: Buffer, from: number, to: number): void {
    let at = buf.indexOf(B.Lf, from);
    while (at !== -1 && at < to) {
      this.line++;
      this.lineStart = this.base + at + 1;
      at = buf.indexOf(B.Lf, at + 1);
    }
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = this.base + at + 1;
  }

  /** States between elements: one byte at a time. Returns the next index, or -1 when re-fed. */
  private step(buf: Buffer, i: number, out: ParseItem<JsonRecord>[]): number {
    const b = buf[i];
    if (this.state !== S.ObjKey && isWs(b)) {
      if (b === B.Lf) this.newline(i);
      return i + 1;
    }
    switch (this.state) {
      case S.RootStart:
        if (b === B.LBracket) {
          this.state = S.ArrExpectValue;
          this.arrayFound = true;
          return i + 1;
        }
        if (b === B.LBrace) {
          if (this.config.path !== undefined) {
            this.state = S.ObjExpectKey;
            return i + 1;
          }
          this.beginElement(buf, i, null);
          return i;
        }
        out.push({ kind: 'fatal', position: { line: this.line, offset: this.base + i, index: this.index }, code: FatalCode.NotJson, reason: `not JSON: expected "[" or "{" on line ${this.line}, found ${describeByte(b)}` });
        this.state = S.Done;
        return buf.length;
      case S.ObjExpectKey:
        if (b === B.Quote) {
          this.state = S.ObjKey;
          this.keyBytes = [];
          return i + 1;
        }
        if (b === B.RBrace) {
          this.state = S.RootEnd;
          return i + 1;
        }
        if (b === B.Comma) return i + 1;
        return this.envelopeError(buf, i, out, `expected a key in the top-level object, found ${describeByte(b)}`);
      case S.ObjKey:
        if (this.keyEscape) this.keyEscape = false;
        else if (b === B.Backslash) this.keyEscape = true;
        else if (b === B.Quote) {
          this.currentKey = parseKey(this.keyBytes);
          this.state = S.ObjExpectColon;
          return i + 1;
        }
        if (this.keyBytes.length < 1024) this.keyBytes.push(b);
        return i + 1;
      case S.ObjExpectColon:
        if (b === B.Colon) {
          this.state = S.ObjExpectValue;
          return i + 1;
        }
        return this.envelopeError(buf, i, out, `expected ":" after the key "${this.currentKey}", found ${describeByte(b)}`);
      case S.ObjExpectValue:
        if (this.currentKey === this.config.path && b === B.LBracket) {
          this.state = S.ArrExpectValue;
          this.inPath = true;
          this.arrayFound = true;
          return i + 1;
        }
        this.beginElement(buf, i, this.currentKey);
        return i;
      case S.ObjAfterValue:
        if (b === B.Comma) {
          this.state = S.ObjExpectKey;
          return i + 1;
        }
        if (b === B.RBrace) {
          this.state = S.RootEnd;
          return i + 1;
        }
        return this.envelopeError(buf, i, out, `expected "," or "}" in the top-level object, found ${describeByte(b)}`);
      case S.ArrExpectValue:
        if (b === B.RBracket) {
          this.closeArray();
          return i + 1;
        }
        if (b === B.Comma) {
          return this.structuralError(buf, i, out, `unexpected "," on line ${this.line} (an empty element)`, false);
        }
        this.beginElement(buf, i, null);
        return i;
      case S.AfterElement:
        if (b === B.Comma) {
          this.state = S.ArrExpectValue;
          return i + 1;
        }
        if (b === B.RBracket) {
          this.closeArray();
          return i + 1;
        }
        return this.structuralError(buf, i, out, `expected "," or "]" after the element on line ${this.elemLine}, found ${describeByte(b)} on line ${this.line}`, false);
      case S.RootEnd:
        this.rejectStart = this.base + i;
        this.rejectLine = this.line;
        this.rejectHead = new ByteHead(this.config.rawLimit * 4);
        this.rejectReason = `unexpected data after the end of the top-level value, from line ${this.line}`;
        this.state = S.Drain;
        return i;
      default:
        return i + 1;
    }
  }

  private closeArray(): void {
    this.state = this.inPath ? S.ObjAfterValue : S.RootEnd;
    this.inPath = false;
  }

  private envelopeError(buf: Buffer, i: number, out: ParseItem<JsonRecord>[], message: string): number {
    out.push({ kind: 'fatal', position: { line: this.line, offset: this.base + i, index: this.index }, code: FatalCode.NotJson, reason: `invalid JSON: ${message} (line ${this.line})` });
    this.state = S.Done;
    return buf.length;
  }

  private beginElement(buf: Buffer, i: number, envelopeKey: string | null): void {
    this.state = S.Element;
    this.envelopeKey = envelopeKey;
    this.elemStart = this.base + i;
    this.elemLine = this.line;
    this.elemStartInChunk = i;
    this.parts = [];
    this.partsLength = 0;
    this.discarding = false;
    this.head = null;
    this.depth = 0;
    this.maxSeen = 0;
    this.stack = [];
    this.inString = false;
    this.escape = false;
    const b = buf[i];
    this.scalar = b !== B.LBrace && b !== B.LBracket && b !== B.Quote;
    if (envelopeKey === null && this.resyncColumn === -1 && (b === B.LBrace || b === B.LBracket)) {
      // the first element decides how a later error resynchronises: its column, if it starts its line
      const column = this.base + i - this.lineStart;
      const ownLine = this.lineStart >= this.base ? buf.subarray(this.lineStart - this.base, i).every(isWs) : false;
      this.resyncColumn = ownLine ? column : -2;
      this.resyncChar = b;
    }
  }

  /** Scans inside an element. Returns the index after it, or the element's end; -1 when re-fed. */
  private scanElement(buf: Buffer, from: number, out: ParseItem<JsonRecord>[]): number {
    const len = buf.length;
    const maxDepth = this.config.maxDepth;
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    for (let i = from; i < len; i++) {
      const b = buf[i];
      if (inString) {
        if (escape) escape = false;
        else if (b === B.Backslash) escape = true;
        else if (b === B.Quote) {
          inString = false;
          if (depth === 0) {
            this.depth = 0;
            this.inString = false;
            this.completeElement(buf, this.elemStartInChunk, i + 1, out);
            return i + 1;
          }
        } else if (b === B.Lf) {
          this.depth = depth;
          this.inString = true;
          this.newline(i);
          return this.structuralError(buf, i, out, `line break inside a string on line ${this.line - 1} (unterminated string?)`, true);
        }
        continue;
      }
      if (this.scalar) {
        if (b === B.Comma || b === B.RBracket || b === B.RBrace || isWs(b)) {
          this.depth = 0;
          this.completeElement(buf, this.elemStartInChunk, i, out);
          return i;
        }
        continue;
      }
      switch (b) {
        case B.Quote:
          inString = true;
          break;
        case B.LBrace:
        case B.LBracket:
          depth++;
          if (depth > this.maxSeen) this.maxSeen = depth;
          if (depth <= maxDepth + 1) this.stack.push(b);
          break;
        case B.RBrace:
        case B.RBracket: {
          const open = depth <= maxDepth + 1 ? this.stack.pop() : b === B.RBrace ? B.LBrace : B.LBracket;
          depth--;
          if ((b === B.RBrace && open !== B.LBrace) || (b === B.RBracket && open !== B.LBracket)) {
            this.depth = depth;
            this.inString = false;
            return this.structuralError(buf, i, out, `"${String.fromCharCode(b)}" on line ${this.line} closes ${open === undefined ? 'nothing' : `"${String.fromCharCode(open)}"`}`, true);
          }
          if (depth === 0) {
            this.depth = 0;
            this.inString = false;
            this.escape = false;
            this.completeElement(buf, this.elemStartInChunk, i + 1, out);
            return i + 1;
          }
          break;
        }
        case B.Lf:
          this.newline(i);
          break;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    return len;
  }

  private keepElementBytes(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarding) {
      this.head?.add(part);
      return;
    }
    this.parts.push(part);
    this.partsLength += part.length;
    if (this.partsLength > this.config.maxRecordBytes) {
      this.head = new ByteHead(this.config.rawLimit * 4);
      for (const p of this.parts) this.head.add(p);
      this.parts = [];
      this.partsLength = 0;
      this.discarding = true;
    }
  }

  private elementBytes(buf: Buffer, start: number, end: number): Buffer {
    const tail = buf.subarray(start === -1 ? 0 : start, end);
    if (this.parts.length === 0) return tail;
    this.parts.push(tail);
    const all = Buffer.concat(this.parts, this.partsLength + tail.length);
    this.parts = [];
    this.partsLength = 0;
    return all;
  }

  private completeElement(buf: Buffer, start: number, end: number, out: ParseItem<JsonRecord>[]): void {
    const envelopeKey = this.envelopeKey;
    this.state = envelopeKey !== null ? S.ObjAfterValue : this.arrayFound ? S.AfterElement : S.RootEnd;
    const position = { line: this.elemLine, offset: this.elemStart, index: this.index };
    if (this.discarding) {
      this.head?.add(buf.subarray(start === -1 ? 0 : start, end));
      const total = this.head?.total ?? 0;
      const raw = this.head?.text() ?? '';
      this.discarding = false;
      this.head = null;
      if (envelopeKey !== null) return; // a huge envelope value is not a record: not reported
      this.reject(out, position, raw, total, RejectionCode.RecordTooLarge, `element on line ${this.elemLine} is ${total} bytes, over the limit of ${formatBytes(this.config.maxRecordBytes)} (maxRecordBytes)`);
      return;
    }
    const bytes = this.elementBytes(buf, start, end);
    if (envelopeKey !== null) {
      if (bytes.length <= ENVELOPE_LIMIT && this.config.onEnvelope) {
        try {
          this.config.onEnvelope(envelopeKey, JSON.parse(bytes.toString('utf8')));
        } catch {
          // an unreadable envelope value is not a record; the bundle check reports what matters
        }
      }
      return;
    }
    if (bytes.length > this.config.maxRecordBytes) {
      this.reject(out, position, bytes.toString('utf8', 0, this.config.rawLimit * 4), bytes.length, RejectionCode.RecordTooLarge, `element on line ${this.elemLine} is ${bytes.length} bytes, over the limit of ${formatBytes(this.config.maxRecordBytes)} (maxRecordBytes)`);
      return;
    }
    const raw = bytes.toString('utf8');
    if (this.maxSeen > this.config.maxDepth) {
      this.reject(out, position, raw, bytes.length, RejectionCode.TooDeep, `element on line ${this.elemLine} is nested ${this.maxSeen} levels deep, over the limit of ${this.config.maxDepth} (maxDepth)`);
      return;
    }
    if (raw.indexOf('\uFFFD') !== -1 && !isUtf8(bytes)) {
      this.reject(out, position, raw, bytes.length, RejectionCode.InvalidEncoding, `element on line ${this.elemLine} is not valid UTF-8 (JSON must be UTF-8)`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      this.reject(out, position, raw, bytes.length, RejectionCode.InvalidJson, `invalid JSON in the element on line ${this.elemLine}: ${(error as Error).message}`);
      return;
    }
    if (!this.config.allowNonObjects && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      this.reject(out, position, raw, bytes.length, RejectionCode.NotAnObject, `element on line ${this.elemLine} is ${describeValue(value)}, not an object`);
      return;
    }
    const index = this.index++;
    if (index <= this.config.dropThrough) return;
    out.push({ kind: 'record', position, raw, value: value as JsonRecord });
  }

  private reject(out: ParseItem<JsonRecord>[], position: RecordPosition, raw: string, bytes: number, code: RejectionCode, reason: string): void {
    const index = this.index++;
    if (index <= this.config.dropThrough) return;
    out.push({ kind: 'rejected', position: { ...position, index }, raw: truncateRaw(raw, this.config.rawLimit, bytes), code, reason });
  }

  private rejectElementBytes(out: ParseItem<JsonRecord>[], code: RejectionCode, reason: string): void {
    const position = { line: this.elemLine, offset: this.elemStart, index: this.index };
    if (this.discarding) {
      this.reject(out, position, this.head?.text() ?? '', this.head?.total ?? 0, code, reason);
    } else {
      const bytes = Buffer.concat(this.parts, this.partsLength);
      this.reject(out, position, bytes.toString('utf8'), bytes.length, code, reason);
    }
    this.parts = [];
    this.partsLength = 0;
    this.discarding = false;
    this.state = S.Done;
  }

  /**
   * The element boundaries are lost at `buf[i]`. `inElement`: the error is inside the current
   * element (its bytes are retained); otherwise it is between elements.
   */
  private structuralError(buf: Buffer, i: number, out: ParseItem<JsonRecord>[], message: string, inElement: boolean): number {
    const start = inElement ? this.elemStart : this.base + i;
    const line = inElement ? this.elemLine : this.line;
    this.rejectStart = start;
    this.rejectLine = line;
    this.rejectHead = new ByteHead(this.config.rawLimit * 4);
    if (this.resyncColumn < 0) {
      // elements share lines: no safe place to start again
      if (inElement) {
        if (this.discarding && this.head) this.rejectHead = this.head;
        else for (const p of this.parts) this.rejectHead.add(p);
        this.rejectHead.add(buf.subarray(this.elemStartInChunk === -1 ? 0 : this.elemStartInChunk, i));
      }
      this.rejectReason = `invalid JSON: ${message}; the elements do not start on lines of their own, so reading cannot resume: the rest of the file (from offset ${start}) is rejected as one item`;
      this.parts = [];
      this.partsLength = 0;
      this.discarding = false;
      this.state = S.Drain;
      return i;
    }
    this.rejectReason = `invalid JSON: ${message}`;
    this.state = S.Resync;
    if (!inElement || this.discarding) {
      if (this.discarding && this.head) this.rejectHead = this.head;
      this.discarding = false;
      this.parts = [];
      this.partsLength = 0;
      // look for the next element start from here (the current line counts if only spaces precede)
      const column = this.base + i - this.lineStart;
      const before = this.lineStart >= this.base ? buf.subarray(this.lineStart - this.base, i) : null;
      this.leading = before !== null && before.every(isWs);
      this.leadingColumn = column;
      return i;
    }
    // re-read the element from its second line, looking for the next element start
    const startInChunk = this.elemStartInChunk === -1 ? 0 : this.elemStartInChunk;
    const retained = Buffer.concat([...this.parts, buf.subarray(startInChunk)]);
    this.parts = [];
    this.partsLength = 0;
    const firstLf = retained.indexOf(B.Lf);
    if (firstLf === -1) {
      // no line break in what is left of the chunk: go on skipping from the chunk's end
      this.rejectHead.add(retained);
      this.leading = false;
      this.base += buf.length;
      return -1;
    }
    this.rejectHead.add(retained.subarray(0, firstLf + 1));
    this.base = this.elemStart + firstLf + 1;
    this.line = this.elemLine + 1;
    this.lineStart = this.base;
    this.leading = true;
    this.leadingColumn = 0;
    this.push(retained.subarray(firstLf + 1), out);
    return -1;
  }

  /** Skips lines until one starts (after spaces) at the first element's column with its opening character. */
  private scanResync(buf: Buffer, from: number, out: ParseItem<JsonRecord>[]): number {
    const len = buf.length;
    const column = this.resyncColumn;
    const open = this.resyncChar;
    let start = from;
    for (let i = from; i < len; i++) {
      const b = buf[i];
      if (b === B.Lf) {
        this.newline(i);
        this.leading = true;
        this.leadingColumn = 0;
        continue;
      }
      if (!this.leading) continue;
      if (b === B.Space || b === B.Tab || b === B.Cr) {
        this.leadingColumn++;
        continue;
      }
      this.leading = false;
      if (b === open && this.leadingColumn === column) {
        this.rejectHead?.add(buf.subarray(start, i));
        start = i;
        this.flushRejected(out, this.base + i, `${this.rejectReason}; skipped to line ${this.line}, where the next element seems to start`);
        this.state = S.ArrExpectValue;
        return i;
      }
    }
    this.rejectHead?.add(buf.subarray(start, len));
    return len;
  }

  private flushRejected(out: ParseItem<JsonRecord>[], endOffset: number, reason: string): void {
    const head = this.rejectHead;
    this.rejectHead = null;
    if (!head || endOffset <= this.rejectStart || head.total === 0) return;
    const raw = head.text();
    if (raw.trim() === '' && this.state === S.Resync) return; // only spaces skipped (e.g. a missing comma before a new line)
    this.reject(out, { line: this.rejectLine, offset: this.rejectStart, index: this.index }, raw, endOffset - this.rejectStart, RejectionCode.Unrecoverable, reason);
  }
}

function parseKey(bytes: number[]): string {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}

function describeByte(b: number): string {
  if (b >= 0x20 && b < 0x7f) return `"${String.fromCharCode(b)}"`;
  return `byte 0x${b.toString(16).padStart(2, '0')}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function buildConfig(options: JsonArrayParseOptions): JsonConfig {
  const startAfter = options.startAfter;
  return {
    path: options.path,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    rawLimit: options.rawLimit ?? DEFAULT_RAW_LIMIT,
    allowNonObjects: options.allowNonObjects ?? false,
    skipTo: startAfter?.offset ?? 0,
    skipLine: startAfter?.line,
    dropThrough: startAfter ? startAfter.index : -1,
    firstIndex: startAfter?.offset !== undefined ? startAfter.index : 0,
    onEnvelope: options.onEnvelope,
  };
}

/** Checks the start of a JSON file; returns a fatal item when it cannot be JSON, else the bytes to skip (a BOM). */
export function checkJsonStart(prefix: Buffer, ended: boolean): { fatal: ParseItem<never> } | { skip: number } {
  const origin = { line: 1, offset: 0, index: 0 };
  if (prefix.length === 0) return { fatal: { kind: 'fatal', position: origin, code: FatalCode.EmptyFile, reason: 'empty file: no bytes to read' } };
  const sniff = sniffEncoding(prefix, ended, 'utf8');
  if (!sniff.ok) {
    return { fatal: { kind: 'fatal', position: { ...origin, offset: sniff.binaryAt ?? 0 }, code: sniff.binaryAt === undefined ? FatalCode.UnsupportedEncoding : FatalCode.BinaryFile, reason: sniff.reason } };
  }
  if (ended && prefix.subarray(sniff.skip).toString('latin1').trim() === '') {
    return { fatal: { kind: 'fatal', position: origin, code: FatalCode.EmptyFile, reason: `empty file: ${prefix.length} bytes of whitespace, no JSON value` } };
  }
  return { skip: sniff.skip };
}

/** Parses a JSON array of records, yielding the items of each chunk as one array. */
export async function* parseJsonArrayBatches(source: ByteSource, options: JsonArrayParseOptions = {}): AsyncGenerator<ParseItem<JsonRecord>[]> {
  const chunks = bufferChunks(source)[Symbol.asyncIterator]();
  const { prefix, ended } = await readPrefix(chunks, SNIFF_BYTES);
  const start = checkJsonStart(prefix, ended);
  if ('fatal' in start) {
    await chunks.return(undefined);
    yield [start.fatal];
    return;
  }
  const parser = new JsonArrayChunkParser(buildConfig(options));
  parser.startAt(start.skip);
  yield* driveChunkParser(parser, prefix.subarray(start.skip), ended, chunks);
}

/** Feeds a chunk parser and yields its items per chunk; stops reading after a fatal item. */
export async function* driveChunkParser<V>(
  parser: { push(buf: Buffer, out: ParseItem<V>[]): void; end(out: ParseItem<V>[]): void },
  first: Buffer,
  ended: boolean,
  chunks: AsyncIterator<Buffer>,
): AsyncGenerator<ParseItem<V>[]> {
  try {
    let out: ParseItem<V>[] = [];
    parser.push(first, out);
    if (out.length > 0) yield out;
    if (out.some((item) => item.kind === 'fatal')) return;
    if (!ended) {
      for (;;) {
        const next = await chunks.next();
        if (next.done) break;
        out = [];
        parser.push(next.value, out);
        if (out.length > 0) yield out;
        if (out.some((item) => item.kind === 'fatal')) return;
      }
    }
    out = [];
    parser.end(out);
    if (out.length > 0) yield out;
  } finally {
    // the consumer stopped early, a fatal error ended the file, or it ended: release the source
    await chunks.return?.();
  }
}

/** Parses a JSON array of records (streamed: one element in memory at a time), item by item. */
export async function* parseJsonArray(source: ByteSource, options: JsonArrayParseOptions = {}): AsyncGenerator<ParseItem<JsonRecord>> {
  for await (const batch of parseJsonArrayBatches(source, options)) yield* batch;
}

