import { decodeJwt } from 'jose';
import { runWithCaller } from '@vigie/shared-messaging';
import { ErrorKind, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';
import { identityServiceTokenIssue } from './identity-auth.contracts';

/** Obtains this service's client-credentials access token in a realm. */
export interface ServiceTokenSource {
  token(realm: string): Promise<string>;
}

export interface ServiceCredentials {
  clientId: string;
  clientSecret: string;
}

export interface ServiceTokenRequester {
  request(
    contract: typeof identityServiceTokenIssue,
    payload: { realm: string; clientId: string; clientSecret: string },
    options?: { timeoutMs?: number; authorization?: string },
  ): Promise<{ accessToken: string; expiresIn: number }>;
}

abstract class CachingServiceTokenSource implements ServiceTokenSource {
  private readonly cache = new Map<string, { token: string; renewAt: number }>();
  private readonly inflight = new Map<string, Promise<string>>();

  async token(realm: string): Promise<string> {
    const cached = this.cache.get(realm);
    if (cached && Date.now() < cached.renewAt) return cached.token;
    let pending = this.inflight.get(realm);
    if (!pending) {
      pending = this.obtain(realm)
        .then(({ accessToken, expiresIn }) => {
          const exp = decodeJwt(accessToken).exp;
          const lifetimeMs = (exp ? exp * 1000 - Date.now() : expiresIn * 1000) || 0;
          // Renew when 80 % of the lifetime has passed (at least 5 s before expiry).
          this.cache.set(realm, { token: accessToken, renewAt: Date.now() + Math.max(0, Math.min(lifetimeMs * 0.8, lifetimeMs - 5000)) });
          return accessToken;
        })
        .finally(() => this.inflight.delete(realm));
      this.inflight.set(realm, pending);
    }
    return pending;
  }

  protected abstract obtain(realm: string): Promise<{ accessToken: string; expiresIn: number }>;
}

/** Client-credentials grant against Keycloak's token endpoint (gateway, identity). */
export class HttpServiceTokenSource extends CachingServiceTokenSource {
  constructor(
    private readonly keycloakUrl: string,
    private readonly credentials: ServiceCredentials,
    private readonly timeoutMs = 5000,
  ) {
    super();
  }

  protected async obtain(realm: string): Promise<{ accessToken: string; expiresIn: number }> {
    return clientCredentialsGrant(this.keycloakUrl, realm, this.credentials, this.timeoutMs);
  }
}

/** Asks identity for the token (`identity.v1.service-token.issue`): services do not reach Keycloak. */
export class NatsServiceTokenSource extends CachingServiceTokenSource {
  constructor(
    private readonly client: ServiceTokenRequester,
    private readonly credentials: ServiceCredentials,
  ) {
    super();
  }

  protected obtain(realm: string): Promise<{ accessToken: string; expiresIn: number }> {
    // No caller token is forwarded: this request is the service's own.
    return runWithCaller({}, () => this.client.request(identityServiceTokenIssue, { realm, ...this.credentials }));
  }
}

/** One client-credentials grant. Wrong credentials are a 401 `SERVICE_CREDENTIALS_REJECTED`. */
export async function clientCredentialsGrant(
  keycloakUrl: string,
  realm: string,
  credentials: ServiceCredentials,
  timeoutMs = 5000,
): Promise<{ accessToken: string; expiresIn: number }> {
  const url = `${keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new PlatformException(PlatformErrorCode.ServiceUnavailable, ErrorKind.Unavailable, `Keycloak token endpoint unreachable: ${(error as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (res.status === 400 || res.status === 401) {
    throw new PlatformException(PlatformErrorCode.Unauthenticated, ErrorKind.Unauthenticated, `Client credentials of ${credentials.clientId} refused in realm ${realm}: ${body.error ?? res.status}`, {
      reason: 'SERVICE_CREDENTIALS_REJECTED',
    });
  }
  if (res.status === 404) throw new PlatformException(PlatformErrorCode.NotFound, ErrorKind.NotFound, `Realm ${realm} does not exist`);
  if (!res.ok || !body.access_token) {
    throw new PlatformException(PlatformErrorCode.ServiceUnavailable, ErrorKind.Unavailable, `Keycloak token endpoint answered HTTP ${res.status}`);
  }
  return { accessToken: body.access_token, expiresIn: body.expires_in ?? 60 };
}

/**
 * Runs `fn` as this service in `realm`: every request it makes carries the service's own
 * client-credentials token instead of a user's (work the service does on its own behalf).
 */
export async function runAsService<T>(tokens: ServiceTokenSource, realm: string, fn: () => Promise<T>): Promise<T> {
  const token = await tokens.token(realm);
  return runWithCaller({ authorization: `Bearer ${token}` }, fn);
}
