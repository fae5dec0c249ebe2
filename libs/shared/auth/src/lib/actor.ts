import { ClassificationLevel, COMPARTMENT_PATTERN, isClassificationLevel } from '@vigie/shared-policy';
import { AuthException, AuthExceptionCode } from './auth.exception';

/** A stated purpose (case reference + justification), from the `x-purpose` header. */
export interface Purpose {
  caseRef: string;
  justification: string;
}

/**
 * Who is acting, derived from a VERIFIED access token (plus the stated purpose). Nothing in a
 * payload can change it. `tenant` is the Keycloak realm.
 */
export interface Actor {
  tenant: string;
  /** Token `sub`: the Keycloak user id (for a service, its service-account user id). */
  subject: string;
  username?: string;
  /** Realm roles (`vigie-analyst`…). */
  roles: string[];
  clearance: ClassificationLevel;
  compartments: string[];
  /** The client the token was issued to (`azp`). */
  clientId?: string;
  kind: 'user' | 'service';
  purpose?: Purpose;
  /** Token expiry (seconds since epoch). */
  expiresAt: number;
}

/** The claims Vigie reads from a Keycloak access token (protocol mappers of the realm as code). */
export interface VigieAccessTokenClaims {
  sub?: string;
  preferred_username?: string;
  azp?: string;
  client_id?: string;
  tenant?: unknown;
  roles?: unknown;
  realm_access?: { roles?: unknown };
  clearance?: unknown;
  compartments?: unknown;
  exp?: number;
}

const SERVICE_ACCOUNT_PREFIX = 'service-account-';

function stringList(value: unknown, claim: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value ? [value] : [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...new Set(value as string[])];
  throw new AuthException(AuthExceptionCode.ClaimsInvalid, `Claim "${claim}" must be a string or a list of strings`);
}

/** Builds the actor from verified claims of `realm`. A missing clearance means NP (fail safe). */
export function actorFromClaims(claims: VigieAccessTokenClaims, realm: string, purpose?: Purpose): Actor {
  if (typeof claims.sub !== 'string' || !claims.sub) throw new AuthException(AuthExceptionCode.ClaimsInvalid, 'Token has no subject', { realm });
  if (claims.tenant !== undefined && claims.tenant !== realm) {
    throw new AuthException(AuthExceptionCode.ClaimsInvalid, `Claim "tenant" (${String(claims.tenant)}) does not match the issuing realm ${realm}`, { realm });
  }
  const clearanceClaim = Array.isArray(claims.clearance) ? claims.clearance[0] : claims.clearance;
  let clearance: ClassificationLevel = 'NP';
  if (clearanceClaim !== undefined && clearanceClaim !== null && clearanceClaim !== '') {
    if (!isClassificationLevel(clearanceClaim)) {
      throw new AuthException(AuthExceptionCode.ClaimsInvalid, `Claim "clearance" must be one of NP, DR, S, TS`, { realm, subject: claims.sub });
    }
    clearance = clearanceClaim;
  }
  const compartments = stringList(claims.compartments, 'compartments');
  const bad = compartments.find((c) => !COMPARTMENT_PATTERN.test(c));
  if (bad !== undefined) throw new AuthException(AuthExceptionCode.ClaimsInvalid, `Claim "compartments" holds an invalid compartment "${bad}"`, { realm, subject: claims.sub });
  const roles = claims.roles !== undefined ? stringList(claims.roles, 'roles') : stringList(claims.realm_access?.roles, 'realm_access.roles');
  const clientId = claims.azp ?? claims.client_id;
  const username = claims.preferred_username;
  const kind = claims.client_id !== undefined || (username?.startsWith(SERVICE_ACCOUNT_PREFIX) ?? false) ? 'service' : 'user';
  return {
    tenant: realm,
    subject: claims.sub,
    ...(username ? { username } : {}),
    roles,
    clearance,
    compartments,
    ...(clientId ? { clientId } : {}),
    kind,
    ...(purpose ? { purpose } : {}),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : 0,
  };
}

/** Does the actor hold this realm role? */
export function hasRole(actor: Pick<Actor, 'roles'>, role: string): boolean {
  return actor.roles.includes(role);
}
