import { ApiClient } from '../api-client';
import { AdminClient } from './admin-client';
import { canOpen, operationScreens } from './screen-access';
import { newUserBody, NewUserForm, parseCompartments } from './user-form';
import { hrefFor, parseRoute } from '../router';

const FORM: NewUserForm = { username: 'jdoe', email: 'j@alpha.test', firstName: 'Jane', lastName: 'Doe', clearance: 'DR', compartments: 'Cyber, op-saphir cyber', roles: ['vigie-analyst'], groups: ['unit-ops'], temporaryPassword: '' };

describe('new user form', () => {
  it('builds the body identity expects', () => {
    expect(newUserBody(FORM)).toEqual({
      body: { username: 'jdoe', email: 'j@alpha.test', firstName: 'Jane', lastName: 'Doe', clearance: 'DR', compartments: ['cyber', 'op-saphir'], roles: ['vigie-analyst'], groups: ['unit-ops'], enabled: true },
      problems: [],
    });
  });

  it('names each bad field, and the bad compartment', () => {
    const result = newUserBody({ ...FORM, username: 'J Doe', email: 'nope', lastName: ' ', compartments: 'ok, -bad', temporaryPassword: 'short', clearance: 'X' });
    expect(result.problems).toEqual([
      { field: 'username', key: 'admin.error.username' },
      { field: 'email', key: 'admin.error.email' },
      { field: 'lastName', key: 'admin.error.required' },
      { field: 'clearance', key: 'admin.error.clearance' },
      { field: 'compartments', key: 'admin.error.compartment', value: '-bad' },
      { field: 'temporaryPassword', key: 'admin.error.password' },
    ]);
  });

  it('parses compartment lists', () => {
    expect(parseCompartments(' a,b  c,,A ')).toEqual({ compartments: ['a', 'b', 'c'], invalid: [] });
    expect(parseCompartments('')).toEqual({ compartments: [], invalid: [] });
  });
});

describe('screen access', () => {
  it('shows each operations screen only to its role', () => {
    expect(operationScreens(['vigie-analyst'])).toEqual([]);
    expect(operationScreens(['vigie-auditor', 'vigie-ingest'])).toEqual(['ingestion', 'audit']);
    expect(canOpen('admin', ['vigie-admin'])).toBe(true);
    expect(canOpen('admin', ['vigie-auditor'])).toBe(false);
  });

  it('has routes for the operations screens', () => {
    for (const name of ['ingestion', 'audit', 'admin'] as const) {
      expect(parseRoute(`/${name}`, '')).toEqual({ name });
      expect(hrefFor({ name })).toBe(`/${name}`);
    }
  });
});

describe('AdminClient', () => {
  it('calls the tenant routes with the right verbs and bodies', async () => {
    const calls: { url: string; method?: string; body?: unknown }[] = [];
    const api = new ApiClient({
      fetch: (async (url: string, init: RequestInit) => {
        calls.push({ url, method: init.method, body: init.body ? JSON.parse(init.body as string) : undefined });
        return new Response(JSON.stringify({ users: [], first: 0, max: 50 }));
      }) as unknown as typeof fetch,
      accessToken: async () => 't',
      purpose: () => null,
    });
    const admin = new AdminClient(api, 'alpha');
    await admin.users(' dora ');
    await admin.setClearance('u-1', 'S', ['op-saphir']);
    await admin.setEnabled('u-1', false);
    await admin.setRoles('u-1', ['vigie-auditor']);
    expect(calls).toEqual([
      { url: '/api/v1/admin/tenants/alpha/users?first=0&max=50&search=dora', method: 'GET', body: undefined },
      { url: '/api/v1/admin/tenants/alpha/users/u-1/clearance', method: 'PUT', body: { clearance: 'S', compartments: ['op-saphir'] } },
      { url: '/api/v1/admin/tenants/alpha/users/u-1/disable', method: 'POST', body: undefined },
      { url: '/api/v1/admin/tenants/alpha/users/u-1/roles', method: 'PUT', body: { roles: ['vigie-auditor'] } },
    ]);
  });
});
