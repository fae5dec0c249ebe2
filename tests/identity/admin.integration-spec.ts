import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { api, auditEvents, claimsOf, connectSetup, findUserId, kcAdmin, login, tryLogin } from './identity-test.helpers';

// Changes happen in the test-only tenant `keytest` (tests/identity/fixtures/realms), never in the
// development tenants other suites log into; `alpha` is the other tenant an admin must not reach.
const T = 'keytest';

interface UserView {
  id: string;
  username: string;
  enabled: boolean;
  clearance: string;
  compartments: string[];
  roles: string[];
  groups: string[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: { path: string; message: string }[] } };
}

describe('tenant administration through the gateway', () => {
  let nc: NatsConnection;
  let admin: string;
  let drId: string;
  const created: string[] = [];

  beforeAll(async () => {
    nc = await connectSetup();
    admin = (await login(T, 'keytest-admin')).access_token;
    drId = await findUserId(T, 'keytest-dr');
  });

  afterAll(async () => {
    await api(`/admin/tenants/${T}/users/${drId}/clearance`, { method: 'PUT', token: admin, body: { clearance: 'DR', compartments: ['op-test'] } });
    // Test users only: the platform itself never deletes users.
    for (const id of created) await kcAdmin(`/${T}/users/${id}`, { method: 'DELETE' });
    await nc?.drain();
  });

  it('lists the tenants', async () => {
    const res = await api<{ tenants: { realm: string; enabled: boolean }[] }>('/admin/tenants', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.tenants.map((t) => t.realm)).toEqual(expect.arrayContaining(['alpha', 'bravo', T]));
    expect(res.body.tenants.map((t) => t.realm)).not.toContain('master');
  });

  it("describes its tenant and lists its users with their clearance", async () => {
    const tenant = await api<{ roles: string[]; groups: string[]; compartments: string[] }>(`/admin/tenants/${T}`, { token: admin });
    expect(tenant.body).toMatchObject({ roles: expect.arrayContaining(['vigie-admin', 'vigie-analyst']), groups: ['unit-test', 'unit-two'], compartments: ['op-test', 'op-other'] });
    const res = await api<{ users: UserView[] }>(`/admin/tenants/${T}/users?search=keytest-dr`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.users.find((u) => u.username === 'keytest-dr')).toMatchObject({ clearance: 'DR', compartments: ['op-test'], groups: ['unit-test'], enabled: true });
  });

  it("changes a user's clearance: the user's next token carries it, and the change is in the AUDIT stream", async () => {
    const since = new Date();
    const res = await api<UserView>(`/admin/tenants/${T}/users/${drId}/clearance`, { method: 'PUT', token: admin, body: { clearance: 'S', compartments: ['op-test', 'op-other'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'keytest-dr', clearance: 'S', compartments: ['op-other', 'op-test'] });

    const token = (await login(T, 'keytest-dr')).access_token;
    expect(claimsOf(token)).toMatchObject({ clearance: 'S' });
    const me = await api<{ clearance: string; compartments: string[] }>('/auth/me', { token });
    expect(me.body.clearance).toBe('S');
    expect([...me.body.compartments].sort()).toEqual(['op-other', 'op-test']);

    const [event] = await auditEvents(nc, since, (e) => e.action === 'clearance.change' && e.resources.some((r) => r.id === drId));
    expect(event).toMatchObject({
      tenant: T,
      service: 'identity',
      outcome: 'success',
      actor: { username: 'keytest-admin', kind: 'user' },
      resources: [{ type: 'user', id: drId }],
      details: { username: 'keytest-dr', before: { clearance: 'DR', compartments: ['op-test'] }, after: { clearance: 'S', compartments: ['op-test', 'op-other'] } },
    });
  });

  it('creates a user with clearance, compartments, roles and groups; then sets roles and groups; all audited', async () => {
    const since = new Date();
    const username = `it-${randomBytes(4).toString('hex')}`;
    const res = await api<UserView>(`/admin/tenants/${T}/users`, {
      method: 'POST',
      token: admin,
      body: { username, email: `${username}@keytest.test`, firstName: 'Integration', lastName: 'Test', clearance: 'DR', compartments: ['op-test'], roles: ['vigie-analyst'], groups: ['unit-test'], temporaryPassword: 'Temp-Passw0rd!x' },
    });
    expect(res.status).toBe(201);
    created.push(res.body.id);
    expect(res.body).toMatchObject({ username, clearance: 'DR', compartments: ['op-test'], roles: ['vigie-analyst'], groups: ['unit-test'], enabled: true });

    const again = await api<ErrorBody>(`/admin/tenants/${T}/users`, { method: 'POST', token: admin, body: { username, email: `other-${username}@keytest.test`, firstName: 'A', lastName: 'B' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('IDENTITY_USERNAME_TAKEN');

    const roles = await api<UserView>(`/admin/tenants/${T}/users/${res.body.id}/roles`, { method: 'PUT', token: admin, body: { roles: ['vigie-supervisor', 'vigie-auditor'] } });
    expect(roles.status).toBe(200);
    expect(roles.body.roles).toEqual(['vigie-auditor', 'vigie-supervisor']);
    const groups = await api<UserView>(`/admin/tenants/${T}/users/${res.body.id}/groups`, { method: 'PUT', token: admin, body: { groups: ['unit-two'] } });
    expect(groups.status).toBe(200);
    expect(groups.body.groups).toEqual(['unit-two']);

    const events = await auditEvents(nc, since, (e) => e.resources.some((r) => r.id === res.body.id) && e.outcome === 'success', 4);
    expect(events.map((e) => e.action).sort()).toEqual(['role.grant', 'role.revoke', 'user.create', 'user.update']);
  });

  it('disables and enables a user: a disabled user cannot log in; both acts audited', async () => {
    const since = new Date();
    const npId = await findUserId(T, 'keytest-np');
    try {
      const off = await api<UserView>(`/admin/tenants/${T}/users/${npId}/disable`, { method: 'POST', token: admin });
      expect(off.status).toBe(200);
      expect(off.body.enabled).toBe(false);
      expect((await tryLogin(T, 'keytest-np')).status).toBe(400);
    } finally {
      const on = await api<UserView>(`/admin/tenants/${T}/users/${npId}/enable`, { method: 'POST', token: admin });
      expect(on.body.enabled).toBe(true);
    }
    expect((await tryLogin(T, 'keytest-np')).status).toBe(200);
    const events = await auditEvents(nc, since, (e) => e.action === 'user.update' && e.resources.some((r) => r.id === npId), 2);
    expect(events.map((e) => e.details['change'])).toEqual(['disabled', 'enabled']);
  });

  it.each([
    ['PUT', 'users/{dr}/clearance', { clearance: 'SECRET' }, 'VALIDATION_FAILED', 'clearance'],
    ['PUT', 'users/{dr}/clearance', { clearance: 'S', compartments: ['Not Valid'] }, 'VALIDATION_FAILED', 'compartments.0'],
    ['PUT', 'users/{dr}/clearance', { clearance: 'S', compartments: ['op-test', 'op-unknown'] }, 'IDENTITY_UNKNOWN_COMPARTMENT', 'compartments.1'],
    ['PUT', 'users/{dr}/roles', { roles: ['superuser'] }, 'VALIDATION_FAILED', 'roles.0'],
    ['PUT', 'users/{dr}/groups', { groups: ['no-such-unit'] }, 'IDENTITY_UNKNOWN_GROUP', 'groups.0'],
    ['POST', 'users', { username: 'Bad Name', email: 'x@keytest.test', firstName: 'A', lastName: 'B' }, 'VALIDATION_FAILED', 'username'],
    ['POST', 'users', { username: 'valid-name', email: 'not-an-email', firstName: 'A', lastName: 'B' }, 'VALIDATION_FAILED', 'email'],
    ['POST', 'users', { username: 'valid-name', email: 'x@keytest.test', firstName: 'A', lastName: 'B', isAdmin: true }, 'VALIDATION_FAILED', '(root)'],
    ['GET', 'users?max=lots', undefined, 'VALIDATION_FAILED', 'max'],
  ])('%s %s %j → 400 %s naming %s', async (method, path, body, code, field) => {
    const res = await api<ErrorBody>(`/admin/tenants/${T}/${path.replace('{dr}', drId)}`, { method, token: admin, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details?.fields?.map((f) => f.path)).toContain(field);
  });

  it('an unknown user is a 404', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, path, body] of [
      ['GET', `users/${unknown}`, undefined],
      ['PUT', `users/${unknown}/clearance`, { clearance: 'S' }],
      ['POST', `users/${unknown}/disable`, undefined],
    ] as const) {
      const res = await api<ErrorBody>(`/admin/tenants/${T}/${path}`, { method, token: admin, body });
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 404, 'IDENTITY_USER_NOT_FOUND']);
    }
  });

  it('an administrator of one realm cannot act on another (403, audited in their own tenant)', async () => {
    const since = new Date();
    const alphaS = await findUserId('alpha', 'alpha-s');
    const list = await api<ErrorBody>('/admin/tenants/alpha/users', { token: admin });
    expect(list.status).toBe(403);
    expect(list.body.error.code).toBe('IDENTITY_TENANT_MISMATCH');
    const change = await api<ErrorBody>(`/admin/tenants/alpha/users/${alphaS}/clearance`, { method: 'PUT', token: admin, body: { clearance: 'TS' } });
    expect(change.status).toBe(403);
    expect((await kcAdmin<{ attributes: { clearance: string[] } }>(`/alpha/users/${alphaS}`)).body.attributes.clearance).toEqual(['S']);
    const [denied] = await auditEvents(nc, since, (e) => e.action === 'authz.denied' && e.details['attempted'] === 'clearance.change' && e.tenant === T);
    expect(denied).toMatchObject({ tenant: T, outcome: 'denied', resources: [{ type: 'tenant', id: 'alpha' }], actor: { username: 'keytest-admin' } });
    // …and the other way round: alpha's administrator cannot reach this tenant.
    const alphaAdmin = (await login('alpha', 'alpha-admin')).access_token;
    expect((await api<ErrorBody>(`/admin/tenants/${T}/users/${drId}`, { token: alphaAdmin })).status).toBe(403);
  });

  it('a user without vigie-admin cannot administer (403)', async () => {
    const analyst = (await login(T, 'keytest-user')).access_token;
    for (const path of ['/admin/tenants', `/admin/tenants/${T}/users`]) {
      const res = await api<ErrorBody>(path, { token: analyst });
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'IDENTITY_ADMIN_ROLE_REQUIRED']);
    }
    const change = await api<ErrorBody>(`/admin/tenants/${T}/users/${drId}/clearance`, { method: 'PUT', token: analyst, body: { clearance: 'TS' } });
    expect(change.status).toBe(403);
  });

  it('an administrator cannot change their own clearance, roles or status (separation of duties)', async () => {
    const self = await findUserId(T, 'keytest-admin');
    for (const [method, path, body] of [
      ['PUT', 'clearance', { clearance: 'TS' }],
      ['PUT', 'roles', { roles: ['vigie-admin', 'vigie-analyst'] }],
      ['POST', 'disable', undefined],
    ] as const) {
      const res = await api<ErrorBody>(`/admin/tenants/${T}/users/${self}/${path}`, { method, token: admin, body });
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'IDENTITY_SELF_ADMINISTRATION']);
    }
    expect((await kcAdmin<{ attributes: { clearance: string[] } }>(`/${T}/users/${self}`)).body.attributes.clearance).toEqual(['NP']);
  });

  it('administration needs a token at all (401)', async () => {
    const res = await api<ErrorBody>(`/admin/tenants/${T}/users`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('MISSING_TOKEN');
  });
});
