import { decodeJwt, decodeProtectedHeader, errors, JWTPayload, jwtVerify, ProtectedHeaderParameters } from 'jose';
import { VigieException } from '@vigie/shared-contracts';
import { Actor, actorFromClaims, Purpose, VigieAccessTokenClaims } from './actor';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { REALM_PATTERN } from './identity-auth.contracts';
import { JwksKeyStore } from './key-store';

export interface TokenVerifierOptions {
  keys: JwksKeyStore;
  /** Audience every token must carry. */
  audience: string;
  /** Pinned algorithms; the token header's `alg` must be one of them. */
  algorithms: string[];
  /** Tolerated clock skew for `exp`/`nbf`, seconds (bounded by the config to 120). */
  clockToleranceSeconds: number;
  /** The `typ` claim of an access token (Keycloak: `Bearer`; ID tokens say `ID`, refresh tokens `Refresh`). */
  tokenType?: string;
}

export interface VerifiedToken {
  actor: Actor;
  claims: JWTPayload & VigieAccessTokenClaims;
  realm: string;
}

const HMAC = /^HS/;

/**
 * Verifies a Keycloak access token locally (no introspection): pinned algorithm, key by `kid`
 * from the issuing realm's JWKS, exact issuer (as given by the key source, never derived from the
 * token alone), audience, `exp`/`nbf` with bounded skew, `typ`. Failures are {@link AuthException}s
 * whose code says why (`TOKEN_EXPIRED`, `UNKNOWN_KEY`…).
 */
export class TokenVerifier {
  private readonly tokenType: string;

  constructor(private readonly options: TokenVerifierOptions) {
    if (options.algorithms.some((a) => a === 'none' || HMAC.test(a))) throw new Error('TokenVerifier: "none" and HMAC algorithms are never accepted');
    if (options.clockToleranceSeconds < 0 || options.clockToleranceSeconds > 300) throw new Error('TokenVerifier: clock tolerance must be 0..300 s');
    this.tokenType = options.tokenType ?? 'Bearer';
  }

  /** Verifies `Bearer <jwt>` (or a bare JWT) and returns the actor. */
  async verifyAuthorization(authorization: string | undefined, purpose?: Purpose): Promise<VerifiedToken> {
    if (!authorization) throw new AuthException(AuthExceptionCode.MissingToken, 'No bearer token');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AuthException(AuthExceptionCode.MissingToken, 'Authorization is not "Bearer <token>"');
    return this.verify(match[1], purpose);
  }

  async verify(token: string, purpose?: Purpose): Promise<VerifiedToken> {
    let header: ProtectedHeaderParameters;
    let unverified: JWTPayload;
    try {
      if (token.split('.').length !== 3) throw new Error('not three parts');
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      throw new AuthException(AuthExceptionCode.TokenMalformed, 'Token is not a signed JWT');
    }
    const alg = typeof header.alg === 'string' ? header.alg : 'missing';
    const hints = { alg, kid: header.kid, issuer: typeof unverified.iss === 'string' ? unverified.iss : undefined, subject: unverified.sub };
    if (!this.options.algorithms.includes(alg)) {
      throw new AuthException(AuthExceptionCode.AlgorithmNotAllowed, `Algorithm ${alg} is not accepted (only ${this.options.algorithms.join(', ')})`, hints);
    }
    if (header.typ !== undefined && header.typ.toUpperCase() !== 'JWT' && header.typ.toLowerCase() !== 'at+jwt') {
      throw new AuthException(AuthExceptionCode.TokenTypeInvalid, `Token header typ "${header.typ}" is not an access token`, hints);
    }
    const realm = realmOf(hints.issuer);
    if (!realm) throw new AuthException(AuthExceptionCode.IssuerMismatch, 'Token issuer is not a Keycloak realm URL', hints);
    const withRealm = { ...hints, realm };
    let issuer: string;
    try {
      issuer = await this.options.keys.issuer(realm);
    } catch (error) {
      throw asAuthError(error, realm);
    }
    if (hints.issuer !== issuer) throw new AuthException(AuthExceptionCode.IssuerMismatch, `Token issuer ${hints.issuer} is not ${issuer}`, withRealm);
    if (!header.kid) throw new AuthException(AuthExceptionCode.UnknownKey, 'Token names no key (kid)', withRealm);
    let key;
    try {
      key = await this.options.keys.key(realm, header.kid, alg);
    } catch (error) {
      throw asAuthError(error, realm);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [alg],
        issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      throw mapJoseError(error, withRealm);
    }
    if (payload['typ'] !== this.tokenType) {
      throw new AuthException(AuthExceptionCode.TokenTypeInvalid, `Token typ "${String(payload['typ'])}" is not "${this.tokenType}"`, withRealm);
    }
    const claims = payload as JWTPayload & VigieAccessTokenClaims;
    return { actor: actorFromClaims(claims, realm, purpose), claims, realm };
  }
}

/** `https://kc/realms/<realm>` → `<realm>` (undefined when the issuer is not a realm URL). */
export function realmOf(issuer: string | undefined): string | undefined {
  if (!issuer) return undefined;
  const m = /\/realms\/([^/?#]+)$/.exec(issuer);
  return m && REALM_PATTERN.test(m[1]) ? m[1] : undefined;
}

function asAuthError(error: unknown, realm: string): VigieException {
  if (error instanceof AuthException) return error;
  return new AuthException(AuthExceptionCode.JwksUnavailable, `Keys of realm ${realm} are unavailable: ${(error as Error).message}`, { realm });
}

function mapJoseError(error: unknown, hints: { realm: string; kid?: string; alg?: string; issuer?: string; subject?: string }): AuthException {
  if (error instanceof errors.JWTExpired) return new AuthException(AuthExceptionCode.TokenExpired, 'Token has expired', hints);
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return new AuthException(AuthExceptionCode.TokenNotYetValid, 'Token is not valid yet (nbf)', hints);
      case 'aud':
        return new AuthException(AuthExceptionCode.AudienceMismatch, 'Token is not meant for this audience', hints);
      case 'iss':
        return new AuthException(AuthExceptionCode.IssuerMismatch, 'Token issuer does not match', hints);
      case 'iat':
        return new AuthException(AuthExceptionCode.TokenNotYetValid, 'Token was issued in the future (iat)', hints);
      default:
        return new AuthException(AuthExceptionCode.ClaimsInvalid, `Token claim "${error.claim}" is invalid: ${error.message}`, hints);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AuthException(AuthExceptionCode.SignatureInvalid, 'Token signature is invalid', hints);
  if (error instanceof errors.JOSEAlgNotAllowed) return new AuthException(AuthExceptionCode.AlgorithmNotAllowed, 'Token algorithm is not accepted', hints);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new AuthException(AuthExceptionCode.TokenMalformed, `Token is malformed: ${(error as Error).message}`, hints);
  return new AuthException(AuthExceptionCode.SignatureInvalid, `Token could not be verified: ${(error as Error).message}`, hints);
}
