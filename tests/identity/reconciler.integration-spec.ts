import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimsOf, findUserId, FIXTURE_REALMS_DIR, kcAdmin, login, reconcile } from './identity-test.helpers';
import { KEYTEST } from './keytest-realm';

interface Mapper {
  id: string;
  name: string;
}

async function vigieScopeId(realm: string): Promise<string> {
  const scopes = (await kcAdmin<{ id: string; name: string }[]>(`/${realm}/client-scopes`)).body;
  return scopes.find((s) => s.name === 'vigie')!.id;
}

describe('reconcile-realms', () => {
  it('is idempotent: a second run over config/realms changes nothing and says so', () => {
    // `npm test` has reconciled config/realms already; on a fresh or edited state the first run
    // converges and the second one must then report nothing.
    const first = reconcile();
    const second = first.reconciled.some((r) => r.changed) ? reconcile() : first;
    expect(second.reconciled.map((r) => r.realm).sort()).toEqual(['alpha', 'bravo']);
    for (const r of second.reconciled) expect([r.realm, r.changed, r.changes]).toEqual([r.realm, false, []]);
  });

  it('repairs a deleted mapper and drifted settings, and leaves users alone', async () => {
    const scope = await vigieScopeId(KEYTEST);
    const mappers = (await kcAdmin<Mapper[]>(`/${KEYTEST}/client-scopes/${scope}/protocol-mappers/models`)).body;
    const clearanceMapper = mappers.find((m) => m.name === 'vigie-clearance')!;
    expect((await kcAdmin(`/${KEYTEST}/client-scopes/${scope}/protocol-mappers/models/${clearanceMapper.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await kcAdmin(`/${KEYTEST}`, { method: 'PUT', body: { bruteForceProtected: false, accessTokenLifespan: 3600 } })).status).toBe(204);
    expect(claimsOf((await login(KEYTEST, 'keytest-user')).access_token)['clearance']).toBeUndefined();

    // Users: one listed in the file, changed by an administrator; one not in the file at all.
    const userId = await findUserId(KEYTEST, 'keytest-user');
    const user = (await kcAdmin<Record<string, unknown> & { attributes: Record<string, string[]> }>(`/${KEYTEST}/users/${userId}`)).body;
    await kcAdmin(`/${KEYTEST}/users/${userId}`, { method: 'PUT', body: { ...user, firstName: 'Renamed', attributes: { ...user.attributes, clearance: ['TS'] } } });
    const extra = await kcAdmin(`/${KEYTEST}/users`, { method: 'POST', body: { username: 'not-in-the-file', email: 'extra@keytest.test', firstName: 'Extra', lastName: 'User', enabled: true } });
    expect(extra.status).toBe(201);
    const extraId = extra.headers.get('location')!.split('/').pop()!;
    try {
      const [report] = reconcile(FIXTURE_REALMS_DIR).reconciled;
      expect(report.realm).toBe(KEYTEST);
      expect(report.changes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ resource: 'mapper', name: 'vigie-clearance', action: 'created' }),
          expect.objectContaining({ resource: 'realm', action: 'updated', fields: expect.arrayContaining(['bruteForceProtected', 'accessTokenLifespan']) }),
        ]),
      );
      expect(report.changes.filter((c) => c.resource === 'user')).toEqual([]);

      expect(claimsOf((await login(KEYTEST, 'keytest-user')).access_token)['clearance']).toBe('TS');
      const after = (await kcAdmin<{ firstName: string; attributes: Record<string, string[]> }>(`/${KEYTEST}/users/${userId}`)).body;
      expect(after.firstName).toBe('Renamed');
      expect(after.attributes['clearance']).toEqual(['TS']);
      expect((await kcAdmin(`/${KEYTEST}/users/${extraId}`)).status).toBe(200);
      const realm = (await kcAdmin<{ bruteForceProtected: boolean; accessTokenLifespan: number }>(`/${KEYTEST}`)).body;
      expect(realm).toMatchObject({ bruteForceProtected: true, accessTokenLifespan: 300 });

    } finally {
      await kcAdmin(`/${KEYTEST}/users/${userId}`, { method: 'PUT', body: user });
      await kcAdmin(`/${KEYTEST}/users/${extraId}`, { method: 'DELETE' });
    }
  });

  it('refuses an invalid realm file, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-realms-'));
    writeFileSync(
      join(dir, 'broken.yaml'),
      ['realm: broken', 'displayName: Broken', 'users:', '  - { username: u1, email: u1@x.test, firstName: U, lastName: One, passwordRef: p, clearance: SECRET }'].join('\n'),
    );
    // (Every other validation rule is covered by the unit tests of realm-definition.loader.)
    expect(() => reconcile(dir)).toThrow(/broken\.yaml: users\.0\.clearance/);
  });
});
