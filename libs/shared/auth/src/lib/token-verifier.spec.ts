import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT, base64url } from 'jose';
import { createPublicKey } from 'node:crypto';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { JwksSource, RealmKeys } from './jwks-source';
import { JwksKeyStore } from './key-store';
import { TokenVerifier } from './token-verifier';

const BASE = 'http://kc.test';
const REALM = 'alpha';
const ISSUER = `${BASE}/realms/${REALM}`;

class FakeSource implements JwksSource {
  fetches = 0;
  constructor(public keys: JWK[]) {}
  async fetch(realm: string): Promise<RealmKeys> {
    this.fetches++;
    if (realm !== REALM) throw new AuthException(AuthExceptionCode.UnknownRealm, `unknown ${realm}`, { realm });
    return { realm, issuer: ISSUER, jwks: { keys: this.keys } };
  }
}

let privateKey: KeyLike;
let publicJwk: JWK;
let other: { privateKey: KeyLike; publicJwk: JWK };

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const o = await generateKeyPair('RS256');
  other = { privateKey: o.privateKey, publicJwk: { ...(await exportJWK(o.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' } };
});

function setup(keys: JWK[] = [publicJwk], refetchMinIntervalMs = 0) {
  const source = new FakeSource(keys);
  const store = new JwksKeyStore(source, { algorithms: ['RS256'], ttlMs: 60_000, refetchMinIntervalMs });
  const verifier = new TokenVerifier({ keys: store, audience: 'vigie-gateway', algorithms: ['RS256'], clockToleranceSeconds: 30 });
  return { source, verifier };
}

const now = () => Math.floor(Date.now() / 1000);
const baseClaims = () => ({
  typ: 'Bearer',
  tenant: REALM,
  roles: ['vigie-analyst'],
  clearance: 'S',
  compartments: ['op-saphir'],
  preferred_username: 'alice',
  azp: 'vigie-cli',
});

function sign(claims: Record<string, unknown> = {}, opts: { kid?: string; key?: KeyLike; iss?: string; aud?: string; exp?: number; nbf?: number } = {}) {
  const jwt = new SignJWT({ ...baseClaims(), ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? 'vigie-gateway')
    .setSubject('user-1')
    .setIssuedAt(now() - 10)
    .setExpirationTime(opts.exp ?? now() + 300);
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(opts.key ?? privateKey);
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ACCEPTED';
  } catch (error) {
    expect(error).toBeInstanceOf(AuthException);
    return (error as AuthException).code;
  }
}

describe('TokenVerifier', () => {
  it('accepts a good token and derives the actor from it', async () => {
    const { verifier } = setup();
    const { actor } = await verifier.verifyAuthorization(`Bearer ${await sign()}`, { caseRef: 'C-1', justification: 'enquiry' });
    expect(actor).toMatchObject({ tenant: 'alpha', subject: 'user-1', username: 'alice', roles: ['vigie-analyst'], clearance: 'S', compartments: ['op-saphir'], clientId: 'vigie-cli', kind: 'user', purpose: { caseRef: 'C-1', justification: 'enquiry' } });
  });

  it('marks client-credentials tokens as service actors', async () => {
    const { verifier } = setup();
    const { actor } = await verifier.verify(await sign({ client_id: 'vigie-ingestion', preferred_username: 'service-account-vigie-ingestion', azp: 'vigie-ingestion' }));
    expect(actor.kind).toBe('service');
    expect(actor.clientId).toBe('vigie-ingestion');
  });

  it.each([
    ['expired beyond the skew', () => sign({}, { exp: now() - 31 }), AuthExceptionCode.TokenExpired],
    ['not yet valid beyond the skew', () => sign({}, { nbf: now() + 60 }), AuthExceptionCode.TokenNotYetValid],
    ['wrong audience', () => sign({}, { aud: 'other-client' }), AuthExceptionCode.AudienceMismatch],
    ['foreign issuer host', () => sign({}, { iss: `http://evil.test/realms/${REALM}` }), AuthExceptionCode.IssuerMismatch],
    ['not a realm issuer', () => sign({}, { iss: 'http://kc.test/somewhere' }), AuthExceptionCode.IssuerMismatch],
    ['other realm', () => sign({}, { iss: `${BASE}/realms/bravo` }), AuthExceptionCode.UnknownRealm],
    ['unknown kid', () => sign({}, { kid: 'nope' }), AuthExceptionCode.UnknownKey],
    ['ID token typ', () => sign({ typ: 'ID' }), AuthExceptionCode.TokenTypeInvalid],
    ['refresh token typ', () => sign({ typ: 'Refresh' }), AuthExceptionCode.TokenTypeInvalid],
    ['signed by another key under our kid', () => sign({}, { key: other.privateKey, kid: 'k1' }), AuthExceptionCode.SignatureInvalid],
    ['tenant claim of another realm', () => sign({ tenant: 'bravo' }), AuthExceptionCode.ClaimsInvalid],
    ['invalid clearance', () => sign({ clearance: 'SECRET' }), AuthExceptionCode.ClaimsInvalid],
  ])('rejects a token: %s', async (_name, make, code) => {
    const { verifier } = setup();
    expect(await reason(verifier.verify(await make()))).toBe(code);
  });

  it('accepts expiry within the skew', async () => {
    const { verifier } = setup();
    expect(await reason(verifier.verify(await sign({}, { exp: now() - 5 })))).toBe('ACCEPTED');
  });

  it('rejects a tampered payload', async () => {
    const { verifier } = setup();
    const [h, p, s] = (await sign()).split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.clearance = 'TS';
    const forged = `${h}.${base64url.encode(JSON.stringify(claims))}.${s}`;
    expect(await reason(verifier.verify(forged))).toBe(AuthExceptionCode.SignatureInvalid);
  });

  it('rejects alg none and HS256 signed with the public key', async () => {
    const { verifier } = setup();
    const payload = base64url.encode(JSON.stringify({ ...baseClaims(), iss: ISSUER, aud: 'vigie-gateway', sub: 'x', exp: now() + 60, iat: now() }));
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'k1' }))}.${payload}.`;
    expect(await reason(verifier.verify(none))).toBe(AuthExceptionCode.AlgorithmNotAllowed);
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const hs = await new SignJWT({ ...baseClaims() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('vigie-gateway')
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(String(pem)));
    expect(await reason(verifier.verify(hs))).toBe(AuthExceptionCode.AlgorithmNotAllowed);
  });

  it('rejects garbage and a missing bearer', async () => {
    const { verifier } = setup();
    expect(await reason(verifier.verify('abc.def'))).toBe(AuthExceptionCode.TokenMalformed);
    expect(await reason(verifier.verifyAuthorization(undefined))).toBe(AuthExceptionCode.MissingToken);
    expect(await reason(verifier.verifyAuthorization('Basic Zm9vOmJhcg=='))).toBe(AuthExceptionCode.MissingToken);
  });

  it('refetches once on an unknown kid (rotation), and no more than the interval allows', async () => {
    const { verifier, source } = setup([publicJwk], 0);
    await verifier.verify(await sign());
    expect(source.fetches).toBe(1);
    source.keys = [publicJwk, other.publicJwk];
    await verifier.verify(await sign({}, { kid: 'k2', key: other.privateKey }));
    expect(source.fetches).toBe(2);
    // an unknown kid costs exactly one more fetch
    expect(await reason(verifier.verify(await sign({}, { kid: 'k3' })))).toBe(AuthExceptionCode.UnknownKey);
    expect(source.fetches).toBe(3);

    const limited = setup([publicJwk], 60_000);
    await limited.verifier.verify(await sign());
    for (let i = 0; i < 5; i++) expect(await reason(limited.verifier.verify(await sign({}, { kid: `x${i}` })))).toBe(AuthExceptionCode.UnknownKey);
    expect(limited.source.fetches).toBe(1);
  });

  it('ignores encryption keys and keys of other algorithms', async () => {
    const { verifier } = setup([{ ...publicJwk, use: 'enc' }]);
    expect(await reason(verifier.verify(await sign()))).toBe(AuthExceptionCode.UnknownKey);
  });

  it('refuses to be configured with none or HMAC', () => {
    const store = new JwksKeyStore(new FakeSource([]), { algorithms: ['RS256'], ttlMs: 1, refetchMinIntervalMs: 0 });
    expect(() => new TokenVerifier({ keys: store, audience: 'a', algorithms: ['HS256'], clockToleranceSeconds: 30 })).toThrow(/HMAC/);
  });
});
