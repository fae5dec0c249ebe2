import { createPublicKey } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import type { NatsConnection } from 'nats';
import { identityJwksGet, NatsServiceTokenSource, TokenVerifier } from '@vigie/shared-auth';
import { VigieException } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { api, auditEvents, claimsOf, clientToken, connectSetup, KEYCLOAK_URL, login, natsVerifier, realmSecret, stack } from './identity-test.helpers';
import { KEYTEST, prepareKeytest, realmKeys, removeImportedKey } from './keytest-realm';

interface Me {
  tenant: string;
  subject: string;
  username?: string;
  roles: string[];
  clearance: string;
  compartments: string[];
  clientId?: string;
  kind: string;
}

let nc: NatsConnection;
let forge: Awaited<ReturnType<typeof prepareKeytest>>;

beforeAll(async () => {
  nc = await connectSetup();
  forge = await prepareKeytest();
});

afterAll(async () => {
  await removeImportedKey();
  await nc?.drain();
});

describe('login: the actor read from Keycloak tokens', () => {
  it.each([
    ['alpha', 'alpha-np', 'NP', [], ['vigie-analyst']],
    ['alpha', 'alpha-dr', 'DR', ['cyber'], ['vigie-analyst']],
    ['alpha', 'alpha-s', 'S', ['op-saphir'], ['vigie-analyst']],
    ['alpha', 'alpha-ts', 'TS', ['cyber', 'op-rubis', 'op-saphir'], ['vigie-analyst', 'vigie-supervisor']],
    ['alpha', 'alpha-admin', 'NP', [], ['vigie-admin']],
    ['alpha', 'alpha-auditor', 'S', [], ['vigie-auditor']],
    ['bravo', 'bravo-s', 'S', ['op-ambre'], ['vigie-analyst']],
    ['bravo', 'bravo-ts', 'TS', ['finance', 'op-ambre'], ['vigie-analyst']],
  ])('%s/%s: tenant, clearance %s, compartments %j, roles %j', async (realm, username, clearance, compartments, roles) => {
    const { access_token } = await login(realm, username);
    const me = await api<Me>('/auth/me', { token: access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant: realm, username, clearance, kind: 'user', clientId: 'vigie-cli' });
    expect([...me.body.compartments].sort()).toEqual(compartments);
    for (const role of roles) expect(me.body.roles).toContain(role);
    for (const role of ['vigie-admin', 'vigie-analyst', 'vigie-supervisor', 'vigie-auditor', 'vigie-ingest'].filter((r) => !roles.includes(r))) {
      expect(me.body.roles).not.toContain(role);
    }
    expect(claimsOf(access_token)).toMatchObject({ tenant: realm, aud: expect.arrayContaining(['vigie-gateway']) });
  });

  it('client credentials: a service account is a service actor with its roles and clearance', async () => {
    const token = await clientToken('alpha', 'vigie-ingestion', realmSecret('client-vigie-ingestion'));
    const me = await api<Me>('/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant: 'alpha', kind: 'service', clientId: 'vigie-ingestion', clearance: 'TS' });
    expect(me.body.roles).toContain('vigie-ingest');
    expect([...me.body.compartments].sort()).toEqual(['cyber', 'op-rubis', 'op-saphir']);
  });

  it('a service gets its own token through identity over NATS, and services verify with keys from identity', async () => {
    const tokens = new NatsServiceTokenSource(new ServiceClient(nc, 5000), { clientId: 'vigie-analytics', clientSecret: realmSecret('client-vigie-analytics') });
    const token = await tokens.token('bravo');
    expect(await tokens.token('bravo')).toBe(token); // cached until it nears expiry
    const verifier: TokenVerifier = natsVerifier(nc);
    const { actor } = await verifier.verify(token);
    expect(actor).toMatchObject({ tenant: 'bravo', kind: 'service', clientId: 'vigie-analytics', clearance: 'TS' });
    const user = await verifier.verify((await login('alpha', 'alpha-s')).access_token);
    expect(user.actor).toMatchObject({ tenant: 'alpha', username: 'alpha-s', clearance: 'S', compartments: ['op-saphir'] });
  });

  it('identity refuses a wrong client secret', async () => {
    const tokens = new NatsServiceTokenSource(new ServiceClient(nc, 5000), { clientId: 'vigie-analytics', clientSecret: 'wrong-secret' });
    const error = await tokens.token('alpha').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VigieException);
    expect((error as VigieException).kind).toBe('unauthenticated');
  });

  it('a correctly signed token of the imported test key is accepted (the forging below is sound)', async () => {
    const me = await api<Me>('/auth/me', { token: await forge.sign({}) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant: KEYTEST, subject: 'forged-subject', clearance: 'S' });
  });
});

describe('refused tokens: 401 with a reason code, audited', () => {
  const since = new Date(Date.now() - 1000);
  const now = () => Math.floor(Date.now() / 1000);
  const reasons: string[] = [];

  const cases: [string, string, () => Promise<string | undefined>][] = [
    ['expired', 'TOKEN_EXPIRED', () => forge.sign({ iat: now() - 900, exp: now() - 300 })],
    ['not yet valid', 'TOKEN_NOT_YET_VALID', () => forge.sign({ nbf: now() + 300 })],
    ['wrong audience', 'AUDIENCE_MISMATCH', () => forge.sign({ aud: 'account' })],
    ['wrong issuer (other host for the same realm)', 'ISSUER_MISMATCH', () => forge.sign({ iss: `http://localhost:${new URL(KEYCLOAK_URL).port}/realms/${KEYTEST}` })],
    ['other realm (master is no tenant)', 'UNKNOWN_REALM', async () => (await kcAdminToken()) ?? undefined],
    ["signed by another realm's key", 'UNKNOWN_KEY', () => forge.sign({ iss: `${KEYCLOAK_URL}/realms/alpha`, tenant: 'alpha' })],
    ['alg none', 'ALGORITHM_NOT_ALLOWED', async () => unsigned()],
    ['HS256 signed with the public key', 'ALGORITHM_NOT_ALLOWED', () => hs256WithPublicKey()],
    ['tampered payload', 'SIGNATURE_INVALID', () => tampered()],
    ['unknown key', 'UNKNOWN_KEY', () => forge.sign({}, { kid: 'no-such-key-in-this-realm' })],
    ['ID token type', 'TOKEN_TYPE_INVALID', () => forge.sign({ typ: 'ID' })],
    ['no token', 'MISSING_TOKEN', async () => undefined],
  ];

  it.each(cases)('%s → 401 %s', async (_name, code, make) => {
    const res = await api<{ error: { code: string; details?: { reason: string } } }>('/auth/me', { token: await make() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details?.reason).toBe(code);
    reasons.push(code);
  });

  it('every refusal is an auth.failed event in the AUDIT stream', async () => {
    const wanted = new Set(reasons);
    expect(wanted.size).toBeGreaterThanOrEqual(10);
    const pending = new Set(wanted);
    const events = await auditEvents(nc, since, (e) => e.action === 'auth.failed' && e.service === 'gateway' && pending.delete(String(e.details['reason'])), wanted.size);
    const seen = new Set(events.map((e) => String(e.details['reason'])));
    for (const reason of wanted) expect([reason, seen.has(reason)]).toEqual([reason, true]);
    const expired = events.find((e) => e.details['reason'] === 'TOKEN_EXPIRED')!;
    expect(expired).toMatchObject({ tenant: KEYTEST, outcome: 'denied', actor: { kind: 'anonymous', sub: 'anonymous' }, details: { route: '/api/v1/auth/me', subject: 'forged-subject' } });
    expect(events.find((e) => e.details['reason'] === 'UNKNOWN_REALM')!.tenant).toBe('_platform');
  });

  async function kcAdminToken(): Promise<string | undefined> {
    const res = await fetch(`${KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: stack['KEYCLOAK_ADMIN_USER'], password: stack['KEYCLOAK_ADMIN_PASSWORD'] }),
    });
    return ((await res.json()) as { access_token?: string }).access_token;
  }

  function unsigned(): string {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: forge.kid }));
    const payload = base64url.encode(JSON.stringify({ iss: `${KEYCLOAK_URL}/realms/${KEYTEST}`, aud: 'vigie-gateway', sub: 'x', typ: 'Bearer', iat: now(), exp: now() + 300, clearance: 'TS' }));
    return `${header}.${payload}.`;
  }

  async function hs256WithPublicKey(): Promise<string> {
    const key = (await realmKeys(KEYTEST)).find((k) => k.kid === forge.kid)!;
    const pem = createPublicKey({ key: Buffer.from(key.publicKey!, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' });
    return new SignJWT({ typ: 'Bearer', clearance: 'TS', tenant: KEYTEST })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: forge.kid })
      .setIssuer(`${KEYCLOAK_URL}/realms/${KEYTEST}`)
      .setAudience('vigie-gateway')
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(String(pem)));
  }

  async function tampered(): Promise<string> {
    const [h, p, s] = (await login('alpha', 'alpha-np')).access_token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    claims.clearance = 'TS';
    return `${h}.${base64url.encode(JSON.stringify(claims))}.${s}`;
  }
});

describe('the keys endpoint of identity', () => {
  it('answers UNKNOWN_REALM for the master realm and for a realm that does not exist', async () => {
    const client = new ServiceClient(nc, 5000);
    for (const realm of ['master', 'no-such-realm']) {
      const error = await client.request(identityJwksGet, { realm }).catch((e: unknown) => e);
      expect([realm, (error as VigieException).code]).toEqual([realm, 'UNKNOWN_REALM']);
    }
    const alpha = await client.request(identityJwksGet, { realm: 'alpha' });
    expect(alpha.issuer).toBe(`${KEYCLOAK_URL}/realms/alpha`);
    expect(alpha.keys.some((k) => k.use === 'sig' && k.alg === 'RS256')).toBe(true);
  });
});
