import { ErrorKind, VigieException } from '@vigie/shared-contracts';

/** Why a token was refused. Every code is a 401 except `JWKS_UNAVAILABLE` (503). */
export enum AuthExceptionCode {
  MissingToken = 'MISSING_TOKEN',
  TokenMalformed = 'TOKEN_MALFORMED',
  TokenExpired = 'TOKEN_EXPIRED',
  TokenNotYetValid = 'TOKEN_NOT_YET_VALID',
  AudienceMismatch = 'AUDIENCE_MISMATCH',
  IssuerMismatch = 'ISSUER_MISMATCH',
  AlgorithmNotAllowed = 'ALGORITHM_NOT_ALLOWED',
  UnknownKey = 'UNKNOWN_KEY',
  SignatureInvalid = 'SIGNATURE_INVALID',
  TokenTypeInvalid = 'TOKEN_TYPE_INVALID',
  UnknownRealm = 'UNKNOWN_REALM',
  ClaimsInvalid = 'TOKEN_CLAIMS_INVALID',
  JwksUnavailable = 'JWKS_UNAVAILABLE',
}

export const AUTH_EXCEPTION_KIND: Readonly<Record<AuthExceptionCode, ErrorKind>> = {
  [AuthExceptionCode.MissingToken]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.TokenMalformed]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.TokenExpired]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.TokenNotYetValid]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.AudienceMismatch]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.IssuerMismatch]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.AlgorithmNotAllowed]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.UnknownKey]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.SignatureInvalid]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.TokenTypeInvalid]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.UnknownRealm]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.ClaimsInvalid]: ErrorKind.Unauthenticated,
  [AuthExceptionCode.JwksUnavailable]: ErrorKind.Unavailable,
};

/** Facts about a refused token that are safe to log and audit (never the token itself). */
export interface AuthFailureDetails {
  reason: AuthExceptionCode;
  realm?: string;
  issuer?: string;
  subject?: string;
  clientId?: string;
  kid?: string;
  alg?: string;
}

/** A refused token: `code` is the reason (`TOKEN_EXPIRED`, `UNKNOWN_KEY`…), kind `unauthenticated`. */
export class AuthException extends VigieException<AuthExceptionCode> {
  constructor(code: AuthExceptionCode, message: string, details: Omit<AuthFailureDetails, 'reason'> = {}) {
    super(code, AUTH_EXCEPTION_KIND[code], message, { reason: code, ...details } satisfies AuthFailureDetails);
  }

  get failure(): AuthFailureDetails {
    return this.details as AuthFailureDetails;
  }
}
