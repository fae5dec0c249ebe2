import { z } from 'zod';

/**
 * What kind of failure an error is. Each domain's `<Domain>ExceptionCode` maps its codes onto
 * one of these; the gateway maps the kind to an HTTP status. Not everything is a 400.
 */
export enum ErrorKind {
  Invalid = 'invalid',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PurposeRequired = 'purpose_required',
  PreconditionFailed = 'precondition_failed',
  TooLarge = 'too_large',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
  Timeout = 'timeout',
  Internal = 'internal',
}

export const HTTP_STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  [ErrorKind.Invalid]: 400,
  [ErrorKind.Unauthenticated]: 401,
  [ErrorKind.Forbidden]: 403,
  [ErrorKind.NotFound]: 404,
  [ErrorKind.Conflict]: 409,
  [ErrorKind.PreconditionFailed]: 412,
  [ErrorKind.TooLarge]: 413,
  [ErrorKind.PurposeRequired]: 428,
  [ErrorKind.RateLimited]: 429,
  [ErrorKind.Internal]: 500,
  [ErrorKind.Unavailable]: 503,
  [ErrorKind.Timeout]: 504,
};

/** The typed error reply that crosses NATS (never a stack trace). */
export const errorReplySchema = z.object({
  code: z.string().min(1),
  kind: z.enum(ErrorKind),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorReply = z.infer<typeof errorReplySchema>;

/** Platform-level codes, used by the shared plumbing (validation, transport, auth). */
export enum PlatformErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  PurposeRequired = 'PURPOSE_REQUIRED',
  ServiceTimeout = 'SERVICE_TIMEOUT',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  AuditUnavailable = 'AUDIT_UNAVAILABLE',
  /** A service's answer is larger than the messaging layer carries: the request must ask for less. */
  ResponseTooLarge = 'RESPONSE_TOO_LARGE',
  Internal = 'INTERNAL_ERROR',
}

/**
 * Base of every domain exception. Domains subclass it with their own code enum
 * (`OntologyException` + `OntologyExceptionCode`), so a code is always typed at the throw site.
 */
export class VigieException<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    readonly kind: ErrorKind,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toReply(): ErrorReply {
    return { code: this.code, kind: this.kind, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }

  static fromReply(reply: ErrorReply): VigieException {
    return new VigieException(reply.code, reply.kind, reply.message, reply.details);
  }
}

export class PlatformException extends VigieException<PlatformErrorCode> {}

/** Turns zod issues into a short message naming each bad field, e.g. `name: Required; level: Invalid option`. */
export function describeIssues(error: z.ZodError): { message: string; fields: { path: string; message: string }[] } {
  const fields = error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
  return { message: fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields };
}

export function validationError(subjectOrWhat: string, error: z.ZodError): PlatformException {
  const { message, fields } = describeIssues(error);
  return new PlatformException(PlatformErrorCode.ValidationFailed, ErrorKind.Invalid, `Invalid ${subjectOrWhat}: ${message}`, { fields });
}
