import { ConsoleException, ConsoleExceptionCode } from './console.exception';
import { codeChallengeS256, createCodeVerifier, randomString } from './pkce';

/** OpenID Connect authorisation code flow with PKCE against one Keycloak realm (public client). */
export interface OidcSettings {
  keycloakUrl: string;
  realm: string;
  clientId: string;
  /** Where Keycloak sends the browser back (must be among the client's redirect URIs). */
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  /** Epoch milliseconds. */
  expiresAt: number;
  refreshExpiresAt: number | null;
}

/** The subset of Storage the client uses (sessionStorage in the browser). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface OidcDeps {
  store: KeyValueStore;
  fetch: typeof fetch;
  crypto?: Crypto;
  now?: () => number;
}

interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

const PENDING_KEY = 'vigie.oidc.pending';

/** The JSON payload of a JWT, undecoded signature (the gateway verifies tokens; the console only reads claims). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new ConsoleException(ConsoleExceptionCode.ID_TOKEN_INVALID, 'token is not a JWT (expected three dot-separated parts)');
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error('not an object');
    return payload as Record<string, unknown>;
  } catch (error) {
    throw new ConsoleException(ConsoleExceptionCode.ID_TOKEN_INVALID, `token payload is not JSON: ${(error as Error).message}`);
  }
}

export class OidcClient {
  private readonly crypto: Crypto;
  private readonly now: () => number;

  constructor(
    readonly settings: OidcSettings,
    private readonly deps: OidcDeps,
  ) {
    this.crypto = deps.crypto ?? globalThis.crypto;
    this.now = deps.now ?? Date.now;
  }

  get issuer(): string {
    return `${this.settings.keycloakUrl}/realms/${encodeURIComponent(this.settings.realm)}`;
  }

  private endpoint(name: 'auth' | 'token' | 'logout'): string {
    return `${this.issuer}/protocol/openid-connect/${name}`;
  }

  /** Remembers state, nonce and verifier for this tab and returns the authorisation URL to navigate to. */
  async beginLogin(returnTo: string): Promise<string> {
    const pending: PendingLogin = { state: randomString(32, this.crypto), nonce: randomString(32, this.crypto), verifier: createCodeVerifier(this.crypto), returnTo };
    this.deps.store.setItem(PENDING_KEY, JSON.stringify(pending));
    const query = new URLSearchParams({
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await codeChallengeS256(pending.verifier, this.crypto),
      code_challenge_method: 'S256',
    });
    return `${this.endpoint('auth')}?${query}`;
  }

  /** True when the URL's query is Keycloak's answer to a login this tab started. */
  static isCallback(query: URLSearchParams): boolean {
    return query.has('state') && (query.has('code') || query.has('error'));
  }

  /** Checks the state, exchanges the code (with the verifier) and checks the ID token's nonce, issuer and audience. */
  async completeLogin(query: URLSearchParams): Promise<{ tokens: TokenSet; returnTo: string }> {
    const raw = this.deps.store.getItem(PENDING_KEY);
    this.deps.store.removeItem(PENDING_KEY);
    if (!raw) throw new ConsoleException(ConsoleExceptionCode.LOGIN_STATE_MISSING, 'no login was started in this tab (or it was already completed)');
    const pending = JSON.parse(raw) as PendingLogin;
    if (query.get('state') !== pending.state) throw new ConsoleException(ConsoleExceptionCode.LOGIN_STATE_MISMATCH, 'the login answer does not match the login this tab started');
    const error = query.get('error');
    if (error) throw new ConsoleException(ConsoleExceptionCode.LOGIN_REFUSED, `Keycloak refused the login: ${error}${query.get('error_description') ? ` (${query.get('error_description')})` : ''}`);
    const code = query.get('code');
    if (!code) throw new ConsoleException(ConsoleExceptionCode.LOGIN_REFUSED, 'the login answer has no authorisation code');
    const tokens = await this.tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: this.settings.redirectUri, code_verifier: pending.verifier }, ConsoleExceptionCode.LOGIN_REFUSED);
    if (!tokens.idToken) throw new ConsoleException(ConsoleExceptionCode.ID_TOKEN_INVALID, 'the token response has no ID token (scope openid missing?)');
    const claims = decodeJwtPayload(tokens.idToken);
    if (claims['nonce'] !== pending.nonce) throw new ConsoleException(ConsoleExceptionCode.ID_TOKEN_INVALID, 'the ID token nonce does not match this login');
    if (claims['iss'] !== this.issuer) throw new ConsoleException(ConsoleExceptionCode.ID_TOKEN_INVALID, `the ID token issuer ${String(claims['iss'])} is not ${this.issuer}`);
    const aud = claims['aud'];
    if (!(aud === this.settings.clientId || (Array.isArray(aud) && aud.includes(this.settings.clientId)))) throw new ConsoleException(ConsoleExceptionCode.ID_TOKEN_INVALID, `the ID token is not for ${this.settings.clientId}`);
    return { tokens, returnTo: pending.returnTo };
  }

  /** A new token set from the refresh token (Keycloak rotates it). */
  async refresh(refreshToken: string): Promise<TokenSet> {
    return this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, ConsoleExceptionCode.REFRESH_FAILED);
  }

  /** Keycloak's end-session URL (RP-initiated logout). */
  logoutUrl(idToken: string | null): string {
    const query = new URLSearchParams({ client_id: this.settings.clientId, post_logout_redirect_uri: this.settings.postLogoutRedirectUri });
    if (idToken) query.set('id_token_hint', idToken);
    return `${this.endpoint('logout')}?${query}`;
  }

  private async tokenRequest(form: Record<string, string>, failure: ConsoleExceptionCode): Promise<TokenSet> {
    const startedAt = this.now();
    const res = await this.deps.fetch(this.endpoint('token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, client_id: this.settings.clientId }).toString(),
    });
    const body: unknown = await res.json().catch(() => null);
    const doc = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (!res.ok) throw new ConsoleException(failure, `Keycloak token endpoint answered ${res.status}: ${String(doc['error'] ?? 'no error code')}${doc['error_description'] ? ` (${String(doc['error_description'])})` : ''}`);
    return parseTokenResponse(doc, startedAt);
  }
}

/** Validates Keycloak's token response; expiry times are counted from when the request was sent. */
export function parseTokenResponse(doc: Record<string, unknown>, sentAt: number): TokenSet {
  const invalid = (why: string): never => {
    throw new ConsoleException(ConsoleExceptionCode.TOKEN_RESPONSE_INVALID, `token response: ${why}`);
  };
  if (typeof doc['access_token'] !== 'string' || doc['access_token'] === '') invalid('access_token missing');
  if (typeof doc['token_type'] !== 'string' || doc['token_type'].toLowerCase() !== 'bearer') invalid(`token_type must be Bearer, got ${String(doc['token_type'])}`);
  if (typeof doc['expires_in'] !== 'number' || doc['expires_in'] <= 0) invalid('expires_in must be a positive number');
  const refreshIn = doc['refresh_expires_in'];
  return {
    accessToken: doc['access_token'] as string,
    refreshToken: typeof doc['refresh_token'] === 'string' ? doc['refresh_token'] : null,
    idToken: typeof doc['id_token'] === 'string' ? doc['id_token'] : null,
    expiresAt: sentAt + (doc['expires_in'] as number) * 1000,
    // Keycloak sends 0 for offline tokens (no idle expiry).
    refreshExpiresAt: typeof refreshIn === 'number' && refreshIn > 0 ? sentAt + refreshIn * 1000 : null,
  };
}

/** When to refresh: a little before expiry (a fifth of the lifetime, at least 5 s, at most 60 s), never negative. */
export function refreshDelayMs(tokens: TokenSet, now: number, issuedAt = now): number {
  const lifetime = tokens.expiresAt - issuedAt;
  const margin = Math.min(60_000, Math.max(5_000, lifetime / 5));
  return Math.max(0, tokens.expiresAt - margin - now);
}
