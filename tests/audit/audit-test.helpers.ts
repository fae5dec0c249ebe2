import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { AuditEvent } from '@vigie/audit-contracts';
import { AuditStore } from '@vigie/audit-data-access';
import { AuditKeyRing, AuditReader, AuditWriter, loadAuditKeys } from '@vigie/audit-feature';
import { AuditEventSink, AuditRecorder } from '@vigie/shared-audit-client';
import { ActorResolver, JwksKeyStore, RealmKeys, TokenVerifier } from '@vigie/shared-auth';
import { connectNats, EventPublisher } from '@vigie/shared-messaging';
import { launcher } from '@vigie/shared-testing';

export const stack = launcher.loadStackEnv();
export const auditEnv = launcher.serviceEnv('audit', stack);

export function adminPool(): Pool {
  return new Pool({ connectionString: stack.VIGIE_PG_ADMIN_URL, max: 2 });
}

export function writerPool(): Pool {
  return new Pool({ connectionString: stack.VIGIE_DB_URL_AUDIT_WRITER, max: 2 });
}

/** The local stack's signing key (the one the running audit service uses). */
export function localKeys(): AuditKeyRing {
  return loadAuditKeys(auditEnv.AUDIT_SIGNING_KEY);
}

export function newTenant(prefix = 't'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const noSink: AuditEventSink = {
  publish: async () => {
    throw new Error('not published');
  },
};
const builder = new AuditRecorder(noSink, { service: 'ontology' });

export function sampleEvent(tenant: string, i: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    ...builder.buildEvent({
      tenant,
      actor: { sub: `user-${i % 3}`, username: `user${i % 3}`, roles: ['vigie-analyst'], kind: 'user' },
      action: i % 2 ? 'object.read' : 'search.query',
      resources: [{ type: 'Person', id: `p-${i}` }],
      purpose: i % 4 === 0 ? { caseRef: `CASE-${i}`, justification: 'test' } : null,
      details: { i },
    }),
    ...extra,
  };
}

/** The feature's writer and reader over the writer role's pool, in this process. */
export function inProcessAudit(policy = { everyRecords: 5, everySeconds: 3600 }, keys = localKeys()) {
  const store = new AuditStore({ url: stack.VIGIE_DB_URL_AUDIT_WRITER, schema: 'audit', poolMax: 4 });
  return { store, keys, writer: new AuditWriter(store, keys, policy), reader: new AuditReader(store, keys, 64 * 1024) };
}

export async function connectAs(user: string): Promise<NatsConnection> {
  return connectNats({ NATS_URL: stack.NATS_URL, NATS_USER: user, NATS_PASSWORD: stack[`VIGIE_NATS_PASSWORD_${user.toUpperCase()}`] }, `tests-audit-${user}`);
}

export function recorderOn(nc: NatsConnection, timeoutMs = 3000): AuditRecorder {
  return new AuditRecorder(new EventPublisher(nc, timeoutMs), { service: 'ontology', timeoutMs });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function countRecords(pool: Pool, tenant: string): Promise<number> {
  const r = await pool.query<{ n: string }>('SELECT count(*) AS n FROM audit.records WHERE tenant = $1', [tenant]);
  return Number(r.rows[0].n);
}

/**
 * A stand-in for Keycloak + identity: an RSA key per test run, realms whose issuer is
 * `http://kc.test/realms/<realm>`, and access tokens shaped like Keycloak's.
 */
export class TestIssuer {
  private constructor(
    private readonly privateKey: KeyLike,
    private readonly jwk: JWK,
  ) {}

  static async create(): Promise<TestIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: `test-${randomUUID()}`, alg: 'RS256', use: 'sig' };
    return new TestIssuer(privateKey, jwk);
  }

  issuer(realm: string): string {
    return `http://kc.test/realms/${realm}`;
  }

  async token(realm: string, user: { sub?: string; username?: string; roles: string[] }): Promise<string> {
    return new SignJWT({
      typ: 'Bearer',
      azp: 'vigie-gateway',
      preferred_username: user.username ?? 'auditor',
      realm_access: { roles: user.roles },
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.jwk.kid, typ: 'JWT' })
      .setIssuer(this.issuer(realm))
      .setSubject(user.sub ?? randomUUID())
      .setAudience('vigie-gateway')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(this.privateKey);
  }

  actorResolver(): ActorResolver {
    const source = { fetch: async (realm: string): Promise<RealmKeys> => ({ realm, issuer: this.issuer(realm), jwks: { keys: [this.jwk] } }) };
    const keys = new JwksKeyStore(source, { algorithms: ['RS256'], ttlMs: 60_000, refetchMinIntervalMs: 0 });
    return new ActorResolver(new TokenVerifier({ keys, audience: 'vigie-gateway', algorithms: ['RS256'], clockToleranceSeconds: 30 }));
  }
}

/** The local stack's development password of the reconciled realms' seed users (config/realms). */
export function devPassword(): string {
  return readFileSync(join(stack['VIGIE_STATE_DIR'] ?? launcher.stateDir(), 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();
}

/** A Keycloak access token of a seed user (password grant through the realm's test client `vigie-cli`). */
export async function login(realm: string, username: string): Promise<string> {
  const res = await fetch(`${stack['KEYCLOAK_URL']}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username, password: devPassword() }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token) throw new Error(`login ${username}@${realm} failed: HTTP ${res.status} ${body.error ?? ''}`);
  return body.access_token;
}
