import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityException } from '@vigie/identity-contracts';
import { loadRealmDefinitions, parseRealmDefinition } from './realm-definition.loader';

const minimal = 'realm: demo\ndisplayName: Demo\n';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityException);
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

describe('parseRealmDefinition', () => {
  it('fills secure defaults: brute force on, short tokens, a password policy, the gateway audience', () => {
    const def = parseRealmDefinition(minimal, 'demo.yaml');
    expect(def.security.bruteForce).toMatchObject({ enabled: true, failureFactor: 5 });
    expect(def.security.tokens.accessTokenLifespanSeconds).toBe(300);
    expect(def.security.passwordPolicy).toContain('length(12)');
    expect(def.security.sslRequired).toBe('external');
    expect(def.clients.audience).toBe('vigie-gateway');
    expect(def.users).toEqual([]);
  });

  it.each([
    ['realm: Demo Realm\ndisplayName: x\n', 'realm:'],
    [`${minimal}users:\n  - { username: u, email: u@x.test, firstName: U, lastName: V, passwordRef: p, clearance: SECRET }\n`, 'users.0.clearance'],
    [`${minimal}users:\n  - { username: uu, email: not-mail, firstName: U, lastName: V, passwordRef: p }\n`, 'users.0.email'],
    [`${minimal}users:\n  - { username: uu, email: u@x.test, firstName: U, lastName: V, passwordRef: p, compartments: [nowhere] }\n`, 'users.0.compartments.0: compartment "nowhere" is not declared'],
    [`${minimal}groups: [{ name: g }]\nusers:\n  - { username: uu, email: u@x.test, firstName: U, lastName: V, passwordRef: p, groups: [h] }\n`, 'users.0.groups.0: group "h" is not declared'],
    [`${minimal}users:\n  - { username: uu, email: u@x.test, firstName: U, lastName: V, password: plain }\n`, 'users.0'],
    [`${minimal}groups: [{ name: g }, { name: g }]\n`, 'groups.1: "g" is declared twice'],
    [`${minimal}clients:\n  services: [{ clientId: vigie-gateway, secretRef: s }]\n`, 'client "vigie-gateway" is declared twice'],
    [`${minimal}clients:\n  test: [{ clientId: cli, directAccessGrants: false }]\n`, 'clients.test.0.directAccessGrants'],
    [`${minimal}security:\n  bruteForce: { enabled: true, failureFactor: 0 }\n`, 'security.bruteForce.failureFactor'],
    [`${minimal}roles: [custom]\n`, 'Unrecognized key'],
    [`${minimal}displayName: twice\n`, 'not valid YAML'],
  ])('refuses %j naming %s', (yaml, expected) => {
    const text = message(() => parseRealmDefinition(yaml, 'demo.yaml'));
    expect(text).toContain('demo.yaml');
    expect(text).toContain(expected);
  });
});

describe('loadRealmDefinitions', () => {
  it('loads every YAML file of a directory in name order, and refuses two files for one realm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'realms-'));
    writeFileSync(join(dir, 'b.yaml'), 'realm: bravo\ndisplayName: B\n');
    writeFileSync(join(dir, 'a.yml'), 'realm: alpha\ndisplayName: A\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect((await loadRealmDefinitions(dir)).map((d) => d.definition.realm)).toEqual(['alpha', 'bravo']);
    writeFileSync(join(dir, 'c.yaml'), 'realm: alpha\ndisplayName: again\n');
    await expect(loadRealmDefinitions(dir)).rejects.toThrow(/c\.yaml: realm "alpha" is already defined in .*a\.yml/);
  });

  it('refuses an empty or missing directory', async () => {
    await expect(loadRealmDefinitions(mkdtempSync(join(tmpdir(), 'realms-')))).rejects.toThrow(/holds no \*\.yaml realm file/);
    await expect(loadRealmDefinitions('/nonexistent/realms')).rejects.toThrow(/cannot be read/);
  });

  it('accepts the development realms shipped in config/realms', async () => {
    const defs = await loadRealmDefinitions(join(__dirname, '../../../../../../config/realms'));
    expect(defs.map((d) => d.definition.realm)).toEqual(['alpha', 'bravo']);
    const alpha = defs[0].definition;
    const clearances = new Set(alpha.users.map((u) => u.clearance));
    expect([...clearances].sort()).toEqual(['DR', 'NP', 'S', 'TS']);
    expect(readFileSync(defs[0].file, 'utf8')).not.toMatch(/password:\s/);
  });
});
