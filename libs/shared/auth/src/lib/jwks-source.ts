import type { JSONWebKeySet } from 'jose';
import { ErrorKind, VigieException } from '@vigie/shared-contracts';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { identityJwksGet, REALM_PATTERN } from './identity-auth.contracts';
import { TenantDirectory } from './tenant-directory';

/** The keys of one realm and the exact issuer its tokens must carry. */
export interface RealmKeys {
  realm: string;
  issuer: string;
  jwks: JSONWebKeySet;
}

/**
 * Where a verifier gets a realm's signing keys: over HTTP from Keycloak (gateway, identity) or
 * over NATS from identity (every other service). Throws `UNKNOWN_REALM` for a realm that is no
 * tenant, `JWKS_UNAVAILABLE` when the keys cannot be fetched.
 */
export interface JwksSource {
  fetch(realm: string): Promise<RealmKeys>;
}

/** The request function of a `ServiceClient` (kept structural so tests can pass a stub). */
export interface ContractRequester {
  request(contract: typeof identityJwksGet, payload: { realm: string }, options?: { timeoutMs?: number }): Promise<{ realm: string; issuer: string; keys: Record<string, unknown>[] }>;
}

export function issuerOf(issuerBaseUrl: string, realm: string): string {
  return `${issuerBaseUrl.replace(/\/+$/, '')}/realms/${realm}`;
}

export interface HttpJwksSourceOptions {
  /** Where Keycloak is reached (`KEYCLOAK_URL`). */
  keycloakUrl: string;
  /** What tokens carry in `iss` before `/realms/<realm>` (`KEYCLOAK_ISSUER_URL`, default `keycloakUrl`). */
  issuerBaseUrl?: string;
  /** Which realms are tenants (the master realm and foreign realms are not). */
  tenants: TenantDirectory;
  timeoutMs?: number;
}

/** Fetches `<keycloak>/realms/<realm>/protocol/openid-connect/certs`. */
export class HttpJwksSource implements JwksSource {
  constructor(private readonly options: HttpJwksSourceOptions) {}

  async fetch(realm: string): Promise<RealmKeys> {
    if (!REALM_PATTERN.test(realm) || !(await this.options.tenants.isTenant(realm))) {
      throw new AuthException(AuthExceptionCode.UnknownRealm, `Realm "${realm}" is not a tenant of this platform`, { realm });
    }
    const url = `${this.options.keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/certs`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    } catch (error) {
      throw new AuthException(AuthExceptionCode.JwksUnavailable, `Keys of realm ${realm} could not be fetched: ${(error as Error).message}`, { realm });
    }
    if (res.status === 404) throw new AuthException(AuthExceptionCode.UnknownRealm, `Realm "${realm}" does not exist`, { realm });
    if (!res.ok) throw new AuthException(AuthExceptionCode.JwksUnavailable, `Keys of realm ${realm} could not be fetched: HTTP ${res.status}`, { realm });
    const jwks = (await res.json()) as JSONWebKeySet;
    if (!jwks || !Array.isArray(jwks.keys)) throw new AuthException(AuthExceptionCode.JwksUnavailable, `Keycloak answered no key set for realm ${realm}`, { realm });
    return { realm, issuer: issuerOf(this.options.issuerBaseUrl ?? this.options.keycloakUrl, realm), jwks };
  }
}

/** Asks identity (`identity.v1.jwks.get`) — for services that do not reach Keycloak. */
export class NatsJwksSource implements JwksSource {
  constructor(
    private readonly client: ContractRequester,
    private readonly timeoutMs = 5000,
  ) {}

  async fetch(realm: string): Promise<RealmKeys> {
    if (!REALM_PATTERN.test(realm)) throw new AuthException(AuthExceptionCode.UnknownRealm, `"${realm}" is not a realm name`, { realm });
    try {
      const answer = await this.client.request(identityJwksGet, { realm }, { timeoutMs: this.timeoutMs });
      return { realm: answer.realm, issuer: answer.issuer, jwks: { keys: answer.keys } as unknown as JSONWebKeySet };
    } catch (error) {
      if (error instanceof VigieException && error.code === AuthExceptionCode.UnknownRealm) {
        throw new AuthException(AuthExceptionCode.UnknownRealm, error.message, { realm });
      }
      if (error instanceof VigieException && error.kind === ErrorKind.Unauthenticated) throw error;
      throw new AuthException(AuthExceptionCode.JwksUnavailable, `Keys of realm ${realm} could not be obtained from identity: ${(error as Error).message}`, { realm });
    }
  }
}
