import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// The development realms (config/realms) are the tenants every test and the demo log into. Both
// have an administrator and an ingest operator, so that isolation can be tested with either
// (bravo has no auditor on purpose: tests/audit checks that bravo's users cannot read audit).
interface RealmUser {
  username: string;
  clearance: string;
  roles?: string[];
}

const realm = (name: string): { realm: string; users: RealmUser[] } => parse(readFileSync(join(__dirname, '../../../config/realms', `${name}.yaml`), 'utf8'));

describe('development realms', () => {
  const alpha = realm('alpha');
  const bravo = realm('bravo');

  it.each(['vigie-admin', 'vigie-ingest'])('alpha and bravo each have a user with role %s, same clearance', (role) => {
    const holder = (users: RealmUser[]) => users.filter((u) => u.roles?.includes(role)).map((u) => ({ suffix: u.username.replace(/^[a-z]+-/, ''), clearance: u.clearance, roles: u.roles }));
    expect(holder(alpha.users)).toHaveLength(1);
    expect(holder(bravo.users)).toEqual(holder(alpha.users));
  });

  it('bravo-ingest mirrors alpha-ingest (clearance DR, role vigie-ingest only)', () => {
    const ingest = bravo.users.find((u) => u.username === 'bravo-ingest');
    expect(ingest).toMatchObject({ clearance: 'DR', roles: ['vigie-ingest'] });
  });

  it('bravo has no auditor', () => {
    expect(bravo.users.filter((u) => u.roles?.includes('vigie-auditor'))).toEqual([]);
  });

  it('usernames carry their realm as prefix', () => {
    for (const r of [alpha, bravo]) for (const u of r.users) expect(u.username.startsWith(`${r.realm}-`)).toBe(true);
  });
});
