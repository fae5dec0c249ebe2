import { ErrorKind, VigieException } from '@vigie/shared-contracts';

/** Error codes of the analytics domain; each maps to one `ErrorKind` (hence one HTTP status). */
export enum AnalyticsExceptionCode {
  InvalidQuery = 'ANALYTICS_INVALID_QUERY',
  InvalidCursor = 'ANALYTICS_INVALID_CURSOR',
  RoleMissing = 'ANALYTICS_ROLE_MISSING',
  /** A seed object of a graph query is unknown, deleted or not visible to the caller (the three are not told apart). */
  ObjectNotFound = 'ANALYTICS_OBJECT_NOT_FOUND',
  ProjectionUnavailable = 'ANALYTICS_PROJECTION_UNAVAILABLE',
}

export const ANALYTICS_ERROR_KIND: Readonly<Record<AnalyticsExceptionCode, ErrorKind>> = {
  [AnalyticsExceptionCode.InvalidQuery]: ErrorKind.Invalid,
  [AnalyticsExceptionCode.InvalidCursor]: ErrorKind.Invalid,
  [AnalyticsExceptionCode.RoleMissing]: ErrorKind.Forbidden,
  [AnalyticsExceptionCode.ObjectNotFound]: ErrorKind.NotFound,
  [AnalyticsExceptionCode.ProjectionUnavailable]: ErrorKind.Unavailable,
};

/** The analytics service's typed error; its kind follows from its code. */
export class AnalyticsException extends VigieException<AnalyticsExceptionCode> {
  constructor(code: AnalyticsExceptionCode, message: string, details?: unknown) {
    super(code, ANALYTICS_ERROR_KIND[code], message, details);
  }
}
