import { parseRealmDefinition } from './realm-definition.loader';
import { desiredClients, desiredMappers, desiredProfileAttributes, desiredRealmSettings, driftedFields, sameValue } from './realm-desired-state';

const def = parseRealmDefinition(
  [
    'realm: demo',
    'displayName: Demo',
    'compartments: [{ name: op-a }, { name: op-b }]',
    'clients:',
    '  console: { redirectUris: ["https://console.example/*"] }',
    '  services: [{ clientId: vigie-ingestion, secretRef: s, roles: [vigie-ingest], clearance: TS }]',
  ].join('\n'),
  'demo.yaml',
);

describe('desired state of a realm', () => {
  it('maps tenant, roles, clearance and compartments into access tokens, with the gateway audience', () => {
    const mappers = Object.fromEntries(desiredMappers(def).map((m) => [m.name, m]));
    expect(mappers['vigie-audience'].config['included.client.audience']).toBe('vigie-gateway');
    expect(mappers['vigie-tenant'].config).toMatchObject({ 'claim.name': 'tenant', 'claim.value': 'demo', 'access.token.claim': 'true' });
    expect(mappers['vigie-roles'].config).toMatchObject({ 'claim.name': 'roles', multivalued: 'true' });
    expect(mappers['vigie-clearance'].config).toMatchObject({ 'user.attribute': 'clearance', multivalued: 'false' });
    expect(mappers['vigie-compartments'].config).toMatchObject({ 'user.attribute': 'compartments', multivalued: 'true' });
  });

  it('lets only administrators edit clearance and compartments, restricted to known values', () => {
    const [clearance, compartments] = desiredProfileAttributes(def);
    expect(clearance.permissions).toEqual({ view: ['admin', 'user'], edit: ['admin'] });
    expect(clearance.validations).toEqual({ options: { options: ['NP', 'DR', 'S', 'TS'] } });
    expect(compartments.validations?.['options']).toEqual({ options: ['op-a', 'op-b'] });
    expect(compartments.multivalued).toBe(true);
  });

  it('gives the console PKCE and no password grant, services only client credentials', () => {
    const clients = Object.fromEntries(desiredClients(def).map((c) => [c.clientId, c]));
    expect(clients['vigie-console'].rep).toMatchObject({ publicClient: true, standardFlowEnabled: true, directAccessGrantsEnabled: false, implicitFlowEnabled: false });
    expect(clients['vigie-console'].attributes['pkce.code.challenge.method']).toBe('S256');
    expect(clients['vigie-ingestion'].rep).toMatchObject({ publicClient: false, serviceAccountsEnabled: true, standardFlowEnabled: false, directAccessGrantsEnabled: false });
    expect(clients['vigie-gateway'].rep).toMatchObject({ standardFlowEnabled: false, serviceAccountsEnabled: false, directAccessGrantsEnabled: false });
  });

  it('turns on brute-force detection and pins RS256', () => {
    expect(desiredRealmSettings(def)).toMatchObject({ bruteForceProtected: true, registrationAllowed: false, defaultSignatureAlgorithm: 'RS256', accessTokenLifespan: 300 });
  });
});

describe('drift', () => {
  it('names only the fields that differ, arrays compared as sets, objects by value', () => {
    expect(driftedFields({ a: 1, b: ['x', 'y'], c: { k: 'v' } }, { a: 1, b: ['y', 'x'], c: { k: 'v' }, extra: true })).toEqual([]);
    expect(driftedFields({ a: 1, b: ['x'], c: { k: 'v' } }, { a: 2, b: ['x', 'z'], c: { k: 'w' } })).toEqual(['a', 'b', 'c']);
    expect(driftedFields({ a: 1 }, undefined)).toEqual(['a']);
    expect(sameValue([], undefined)).toBe(true);
    expect(sameValue('true', true)).toBe(false);
  });
});
