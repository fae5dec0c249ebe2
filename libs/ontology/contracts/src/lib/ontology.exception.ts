import { ErrorKind, VigieException } from '@vigie/shared-contracts';

/** Error codes of the ontology domain; each maps to one `ErrorKind` (hence one HTTP status). */
export enum OntologyExceptionCode {
  InvalidOntology = 'ONTOLOGY_INVALID',
  BreakingTypeChange = 'ONTOLOGY_BREAKING_TYPE_CHANGE',
  OntologyVersionConflict = 'ONTOLOGY_VERSION_CONFLICT',
  TypeNotFound = 'ONTOLOGY_TYPE_NOT_FOUND',
  InvalidProperties = 'ONTOLOGY_INVALID_PROPERTIES',
  InvalidIdentifier = 'ONTOLOGY_INVALID_IDENTIFIER',
  ObjectNotFound = 'ONTOLOGY_OBJECT_NOT_FOUND',
  LinkNotFound = 'ONTOLOGY_LINK_NOT_FOUND',
  VersionNotFound = 'ONTOLOGY_VERSION_NOT_FOUND',
  VersionConflict = 'ONTOLOGY_VERSION_CONFLICT_OBJECT',
  LinkEndpointMismatch = 'ONTOLOGY_LINK_ENDPOINT_MISMATCH',
  LinkEndpointNotFound = 'ONTOLOGY_LINK_ENDPOINT_NOT_FOUND',
  InvalidValidity = 'ONTOLOGY_INVALID_VALIDITY',
  AlreadyDeleted = 'ONTOLOGY_ALREADY_DELETED',
  NotDeleted = 'ONTOLOGY_NOT_DELETED',
  MarkingAboveClearance = 'ONTOLOGY_MARKING_ABOVE_CLEARANCE',
  InvalidCursor = 'ONTOLOGY_INVALID_CURSOR',
  InvalidBatch = 'ONTOLOGY_INVALID_BATCH',
  ReviewNotFound = 'ONTOLOGY_REVIEW_NOT_FOUND',
  ReviewAlreadyDecided = 'ONTOLOGY_REVIEW_ALREADY_DECIDED',
  MergeNotFound = 'ONTOLOGY_MERGE_NOT_FOUND',
  MergeAlreadyUndone = 'ONTOLOGY_MERGE_ALREADY_UNDONE',
  EntityNotFound = 'ONTOLOGY_ENTITY_NOT_FOUND',
}

export const ONTOLOGY_ERROR_KIND: Readonly<Record<OntologyExceptionCode, ErrorKind>> = {
  [OntologyExceptionCode.InvalidOntology]: ErrorKind.Invalid,
  [OntologyExceptionCode.BreakingTypeChange]: ErrorKind.Conflict,
  [OntologyExceptionCode.OntologyVersionConflict]: ErrorKind.PreconditionFailed,
  [OntologyExceptionCode.TypeNotFound]: ErrorKind.NotFound,
  [OntologyExceptionCode.InvalidProperties]: ErrorKind.Invalid,
  [OntologyExceptionCode.InvalidIdentifier]: ErrorKind.Invalid,
  [OntologyExceptionCode.ObjectNotFound]: ErrorKind.NotFound,
  [OntologyExceptionCode.LinkNotFound]: ErrorKind.NotFound,
  [OntologyExceptionCode.VersionNotFound]: ErrorKind.NotFound,
  [OntologyExceptionCode.VersionConflict]: ErrorKind.PreconditionFailed,
  [OntologyExceptionCode.LinkEndpointMismatch]: ErrorKind.Invalid,
  [OntologyExceptionCode.LinkEndpointNotFound]: ErrorKind.NotFound,
  [OntologyExceptionCode.InvalidValidity]: ErrorKind.Invalid,
  [OntologyExceptionCode.AlreadyDeleted]: ErrorKind.Conflict,
  [OntologyExceptionCode.NotDeleted]: ErrorKind.Conflict,
  [OntologyExceptionCode.MarkingAboveClearance]: ErrorKind.Forbidden,
  [OntologyExceptionCode.InvalidCursor]: ErrorKind.Invalid,
  [OntologyExceptionCode.InvalidBatch]: ErrorKind.Invalid,
  [OntologyExceptionCode.ReviewNotFound]: ErrorKind.NotFound,
  [OntologyExceptionCode.ReviewAlreadyDecided]: ErrorKind.Conflict,
  [OntologyExceptionCode.MergeNotFound]: ErrorKind.NotFound,
  [OntologyExceptionCode.MergeAlreadyUndone]: ErrorKind.Conflict,
  [OntologyExceptionCode.EntityNotFound]: ErrorKind.NotFound,
};

/** The ontology's typed error; its kind follows from its code. */
export class OntologyException extends VigieException<OntologyExceptionCode> {
  constructor(code: OntologyExceptionCode, message: string, details?: unknown) {
    super(code, ONTOLOGY_ERROR_KIND[code], message, details);
  }
}
