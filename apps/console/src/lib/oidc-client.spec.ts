import { ConsoleExceptionCode } from './console.exception';
import { MemoryStore } from './memory-store';
import { OidcClient, OidcSettings, decodeJwtPayload, parseTokenResponse, refreshDelayMs } from './oidc-client';
import { codeChallengeS256 } from './pkce';

const settings: OidcSettings = {
  keycloakUrl: 'http://127.0.0.1:8080',
  realm: 'alpha',
  clientId: 'vigie-console',
  redirectUri: 'http://127.0.0.1:3000/',
  postLogoutRedirectUri: 'http://127.0.0.1:3000/',
};

function jwt(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256' })}.${enc(payload)}.sig`;
}

interface Call {
  url: string;
  body: URLSearchParams;
}

function fakeFetch(answer: (call: Call) => { status: number; body: unknown }): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fn = async (url: string | URL | Request, init?: RequestInit) => {
    const call = { url: String(url), body: new URLSearchParams(String(init?.body ?? '')) };
    calls.push(call);
    const { status, body } = answer(call);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fn as typeof fetch, calls };
}

describe('OidcClient', () => {
  it('builds the authorisation URL with S256 PKCE, state and nonce, and remembers them for the tab', async () => {
    const store = new MemoryStore();
    const client = new OidcClient(settings, { store, fetch: fakeFetch(() => ({ status: 500, body: {} })).fetch });
    const url = new URL(await client.beginLogin('/objects/x'));
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:8080/realms/alpha/protocol/openid-connect/auth');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe('vigie-console');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const pending = JSON.parse(store.getItem('vigie.oidc.pending') ?? '{}');
    expect(url.searchParams.get('state')).toBe(pending.state);
    expect(url.searchParams.get('nonce')).toBe(pending.nonce);
    expect(url.searchParams.get('code_challenge')).toBe(await codeChallengeS256(pending.verifier));
    expect(pending.returnTo).toBe('/objects/x');
  });

  it('exchanges the code with the verifier and checks the ID token', async () => {
    const store = new MemoryStore();
    let nonce = '';
    const fake = fakeFetch(() => ({
      status: 200,
      body: { access_token: 'at', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt', refresh_expires_in: 1800, id_token: jwt({ nonce, iss: 'http://127.0.0.1:8080/realms/alpha', aud: 'vigie-console' }) },
    }));
    const client = new OidcClient(settings, { store, fetch: fake.fetch, now: () => 1_000_000 });
    const state = new URL(await client.beginLogin('/about')).searchParams.get('state') ?? '';
    const pending = JSON.parse(store.getItem('vigie.oidc.pending') ?? '{}');
    nonce = pending.nonce;
    const { tokens, returnTo } = await client.completeLogin(new URLSearchParams({ state, code: 'the-code' }));
    expect(returnTo).toBe('/about');
    expect(tokens).toMatchObject({ accessToken: 'at', refreshToken: 'rt', expiresAt: 1_300_000, refreshExpiresAt: 2_800_000 });
    expect(fake.calls[0].url).toBe('http://127.0.0.1:8080/realms/alpha/protocol/openid-connect/token');
    expect(Object.fromEntries(fake.calls[0].body)).toEqual({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: settings.redirectUri, code_verifier: pending.verifier, client_id: 'vigie-console' });
    expect(store.getItem('vigie.oidc.pending')).toBeNull();
  });

  it('refuses a wrong state, a missing login, a Keycloak error and a replayed nonce', async () => {
    const store = new MemoryStore();
    const fake = fakeFetch(() => ({ status: 200, body: { access_token: 'at', token_type: 'bearer', expires_in: 60, id_token: jwt({ nonce: 'other', iss: 'http://127.0.0.1:8080/realms/alpha', aud: 'vigie-console' }) } }));
    const client = new OidcClient(settings, { store, fetch: fake.fetch });
    await expect(client.completeLogin(new URLSearchParams({ state: 's', code: 'c' }))).rejects.toMatchObject({ code: ConsoleExceptionCode.LOGIN_STATE_MISSING });
    await client.beginLogin('/');
    await expect(client.completeLogin(new URLSearchParams({ state: 'forged', code: 'c' }))).rejects.toMatchObject({ code: ConsoleExceptionCode.LOGIN_STATE_MISMATCH });
    let state = new URL(await client.beginLogin('/')).searchParams.get('state') ?? '';
    await expect(client.completeLogin(new URLSearchParams({ state, error: 'access_denied', error_description: 'no' }))).rejects.toThrow('Keycloak refused the login: access_denied (no)');
    state = new URL(await client.beginLogin('/')).searchParams.get('state') ?? '';
    await expect(client.completeLogin(new URLSearchParams({ state, code: 'c' }))).rejects.toMatchObject({ code: ConsoleExceptionCode.ID_TOKEN_INVALID, message: expect.stringContaining('nonce') });
    expect(fake.calls).toHaveLength(1);
  });

  it('reports the token endpoint error on refresh', async () => {
    const client = new OidcClient(settings, { store: new MemoryStore(), fetch: fakeFetch(() => ({ status: 400, body: { error: 'invalid_grant', error_description: 'Session not active' } })).fetch });
    await expect(client.refresh('rt')).rejects.toMatchObject({ code: ConsoleExceptionCode.REFRESH_FAILED, message: 'Keycloak token endpoint answered 400: invalid_grant (Session not active)' });
  });

  it('builds the logout URL with the ID token hint', () => {
    const client = new OidcClient(settings, { store: new MemoryStore(), fetch: fakeFetch(() => ({ status: 500, body: {} })).fetch });
    const url = new URL(client.logoutUrl('idt'));
    expect(url.pathname).toBe('/realms/alpha/protocol/openid-connect/logout');
    expect(url.searchParams.get('id_token_hint')).toBe('idt');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe('http://127.0.0.1:3000/');
    expect(OidcClient.isCallback(new URLSearchParams('state=a&code=b'))).toBe(true);
    expect(OidcClient.isCallback(new URLSearchParams('q=a'))).toBe(false);
  });
});

describe('token helpers', () => {
  it('parseTokenResponse names what is missing', () => {
    expect(() => parseTokenResponse({ token_type: 'Bearer', expires_in: 60 }, 0)).toThrow('access_token missing');
    expect(() => parseTokenResponse({ access_token: 'a', token_type: 'DPoP', expires_in: 60 }, 0)).toThrow('token_type must be Bearer');
    expect(parseTokenResponse({ access_token: 'a', token_type: 'Bearer', expires_in: 60, refresh_expires_in: 0 }, 0).refreshExpiresAt).toBeNull();
  });

  it('refreshDelayMs refreshes a fifth of the lifetime early, bounded to 5–60 s', () => {
    const tokens = { accessToken: 'a', refreshToken: 'r', idToken: null, expiresAt: 300_000, refreshExpiresAt: null };
    expect(refreshDelayMs(tokens, 0)).toBe(240_000);
    expect(refreshDelayMs({ ...tokens, expiresAt: 3_600_000 }, 0)).toBe(3_540_000);
    expect(refreshDelayMs({ ...tokens, expiresAt: 10_000 }, 0)).toBe(5_000);
    expect(refreshDelayMs(tokens, 299_000)).toBe(0);
  });

  it('decodeJwtPayload reads UTF-8 claims and refuses garbage', () => {
    expect(decodeJwtPayload(jwt({ name: 'Élodie Ça' }))).toEqual({ name: 'Élodie Ça' });
    expect(() => decodeJwtPayload('abc')).toThrow('not a JWT');
    expect(() => decodeJwtPayload('a.!!!.c')).toThrow('not JSON');
  });
});
