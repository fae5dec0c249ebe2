/**
 * The common record model of every parser: an async generator of `ParseItem`s. A parser never
 * throws for a bad record — it yields a `rejected` item (quarantined by the service) and goes on.
 * A file that cannot be parsed at all (empty, binary, not the announced format) ends the stream
 * with one `fatal` item. Only I/O errors of the source itself are thrown.
 */

/** Where an item sits in its source. */
export interface RecordPosition {
  /** 1-based physical line of the item's first byte (CSV: the record's first line). */
  readonly line: number;
  /** Byte offset of the item's first byte from the start of the file (a BOM counts). */
  readonly offset: number;
  /** 0-based index among the items of the file (records and rejected items alike; a CSV header is not counted). */
  readonly index: number;
}

export interface ParsedRecord<V = Record<string, unknown>> {
  readonly kind: 'record';
  readonly position: RecordPosition;
  /** The record's text as read (for quarantine and provenance). */
  readonly raw: string;
  readonly value: V;
}

/** Why a record was rejected; stable codes for statistics, `reason` says it in words. */
export enum RejectionCode {
  FieldTooLarge = 'FIELD_TOO_LARGE',
  RecordTooLarge = 'RECORD_TOO_LARGE',
  ColumnCount = 'COLUMN_COUNT',
  UnbalancedQuote = 'UNBALANCED_QUOTE',
  MalformedQuote = 'MALFORMED_QUOTE',
  InvalidEncoding = 'INVALID_ENCODING',
  ControlCharacter = 'CONTROL_CHARACTER',
  InvalidJson = 'INVALID_JSON',
  TooDeep = 'TOO_DEEP',
  NotAnObject = 'NOT_AN_OBJECT',
  Unrecoverable = 'UNRECOVERABLE',
  UnknownStixType = 'UNKNOWN_STIX_TYPE',
  MalformedStix = 'MALFORMED_STIX',
  UnknownMarking = 'UNKNOWN_MARKING',
  MarkingAboveClearance = 'MARKING_ABOVE_CLEARANCE',
  MappingFailed = 'MAPPING_FAILED',
}

export interface RejectedRecord {
  readonly kind: 'rejected';
  readonly position: RecordPosition;
  /** The record's text, truncated to the parser's `rawLimit`. */
  readonly raw: string;
  readonly code: RejectionCode;
  readonly reason: string;
}

/** Why a whole file could not be parsed. */
export enum FatalCode {
  EmptyFile = 'EMPTY_FILE',
  BinaryFile = 'BINARY_FILE',
  UnsupportedEncoding = 'UNSUPPORTED_ENCODING',
  NotJson = 'NOT_JSON',
  NotStixBundle = 'NOT_STIX_BUNDLE',
  NoHeader = 'NO_HEADER',
  /** The file ends inside the top-level array or object: it was cut short. */
  Truncated = 'TRUNCATED',
}

export interface FatalParseError {
  readonly kind: 'fatal';
  readonly position: RecordPosition;
  readonly code: FatalCode;
  readonly reason: string;
}

export type ParseItem<V = Record<string, unknown>> = ParsedRecord<V> | RejectedRecord | FatalParseError;

/** What a parser reads: a Node `Readable` (without `setEncoding`), or any (async) iterable of bytes. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Resume point: the last item the service acknowledged. Parsing restarts with the item after it. */
export interface ResumePoint {
  readonly index: number;
  /**
   * Byte offset of that item (its `position.offset`). When given, the parser skips the bytes before
   * it without parsing them; when absent, it parses and discards the first `index + 1` items.
   */
  readonly offset?: number;
  /** Line of that item (its `position.line`); counted from the skipped bytes when absent. */
  readonly line?: number;
}

/** Options common to every parser. */
export interface CommonParseOptions {
  /** Continue after this item (the source must still start at byte 0: a CSV header, a bundle envelope are read again). */
  readonly startAfter?: ResumePoint;
  /** Raw text kept on a rejected item, in characters (default 65 536). */
  readonly rawLimit?: number;
  /** Largest record kept in memory, in bytes (default 32 MiB); a larger one is rejected and skipped. */
  readonly maxRecordBytes?: number;
}

export const DEFAULT_RAW_LIMIT = 64 * 1024;
export const DEFAULT_MAX_RECORD_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_FIELD_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;
/** Bytes looked at to detect encoding, delimiter and binary content. */
export const SNIFF_BYTES = 64 * 1024;
