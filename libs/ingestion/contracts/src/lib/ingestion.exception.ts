import { ErrorKind, VigieException } from '@vigie/shared-contracts';

/** Error codes of the ingestion domain; each maps to one `ErrorKind` (hence one HTTP status). */
export enum IngestionExceptionCode {
  /** The mapping does not parse or does not fit the ontology; `details.errors` lists `{ path, line, column, message }`. */
  InvalidMapping = 'INGESTION_INVALID_MAPPING',
  InvalidMarkings = 'INGESTION_INVALID_MARKINGS',
  /** The markings asked for at upload are above the uploader's clearance (never silently lowered). */
  MarkingsAboveClearance = 'INGESTION_MARKINGS_ABOVE_CLEARANCE',
  UnsupportedFormat = 'INGESTION_UNSUPPORTED_FORMAT',
  /** The file cannot be read in its format at all (empty, binary, not JSON, not a STIX bundle). */
  UnreadableFile = 'INGESTION_UNREADABLE_FILE',
  FileTooLarge = 'INGESTION_FILE_TOO_LARGE',
  SourceNotFound = 'INGESTION_SOURCE_NOT_FOUND',
  JobNotFound = 'INGESTION_JOB_NOT_FOUND',
  MappingNotFound = 'INGESTION_MAPPING_NOT_FOUND',
  /** A stored mapping of that name already exists in the tenant. */
  MappingNameTaken = 'INGESTION_MAPPING_NAME_TAKEN',
  /** The job is not in a state that allows the request (e.g. cancelling a finished job). */
  JobStateConflict = 'INGESTION_JOB_STATE_CONFLICT',
  InvalidCursor = 'INGESTION_INVALID_CURSOR',
  /** The ontology (or the object store, the INGEST stream) could not be reached. */
  DependencyUnavailable = 'INGESTION_DEPENDENCY_UNAVAILABLE',
  /** No upload session of that id that the caller created (expired, cancelled, or another user's). */
  UploadSessionNotFound = 'INGESTION_UPLOAD_SESSION_NOT_FOUND',
  /** A chunk sent at another offset than the session's; `details.expectedOffset` is where to resume. */
  UploadOffsetMismatch = 'INGESTION_UPLOAD_OFFSET_MISMATCH',
  /** A chunk that would go past the session's declared size (or a chunk without a length). */
  UploadSizeExceeded = 'INGESTION_UPLOAD_SIZE_EXCEEDED',
  /** The session is not open to the request: completed, cancelled, or completed before all bytes arrived. */
  UploadSessionStateConflict = 'INGESTION_UPLOAD_SESSION_STATE_CONFLICT',
  /** The whole file's SHA-256 differs from the one declared when the session was created; nothing is ingested. */
  ChecksumMismatch = 'INGESTION_CHECKSUM_MISMATCH',
}

export const INGESTION_ERROR_KIND: Readonly<Record<IngestionExceptionCode, ErrorKind>> = {
  [IngestionExceptionCode.InvalidMapping]: ErrorKind.Invalid,
  [IngestionExceptionCode.InvalidMarkings]: ErrorKind.Invalid,
  [IngestionExceptionCode.MarkingsAboveClearance]: ErrorKind.Forbidden,
  [IngestionExceptionCode.UnsupportedFormat]: ErrorKind.Invalid,
  [IngestionExceptionCode.UnreadableFile]: ErrorKind.Invalid,
  [IngestionExceptionCode.FileTooLarge]: ErrorKind.TooLarge,
  [IngestionExceptionCode.SourceNotFound]: ErrorKind.NotFound,
  [IngestionExceptionCode.JobNotFound]: ErrorKind.NotFound,
  [IngestionExceptionCode.MappingNotFound]: ErrorKind.NotFound,
  [IngestionExceptionCode.MappingNameTaken]: ErrorKind.Conflict,
  [IngestionExceptionCode.JobStateConflict]: ErrorKind.Conflict,
  [IngestionExceptionCode.InvalidCursor]: ErrorKind.Invalid,
  [IngestionExceptionCode.DependencyUnavailable]: ErrorKind.Unavailable,
  [IngestionExceptionCode.UploadSessionNotFound]: ErrorKind.NotFound,
  [IngestionExceptionCode.UploadOffsetMismatch]: ErrorKind.Conflict,
  [IngestionExceptionCode.UploadSizeExceeded]: ErrorKind.Invalid,
  [IngestionExceptionCode.UploadSessionStateConflict]: ErrorKind.Conflict,
  [IngestionExceptionCode.ChecksumMismatch]: ErrorKind.Invalid,
};

/** The ingestion domain's typed error; its kind follows from its code. */
export class IngestionException extends VigieException<IngestionExceptionCode> {
  constructor(code: IngestionExceptionCode, message: string, details?: unknown) {
    super(code, INGESTION_ERROR_KIND[code], message, details);
  }
}
