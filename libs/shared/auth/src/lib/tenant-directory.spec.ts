import { CachedTenantDirectory, StaticTenantDirectory } from './tenant-directory';

describe('CachedTenantDirectory', () => {
  it('caches, reloads on a miss at most every missRefreshMs, ignores disabled realms', async () => {
    let loads = 0;
    let list = [{ realm: 'alpha', enabled: true }, { realm: 'off', enabled: false }];
    const dir = new CachedTenantDirectory(async () => (loads++, list), 60_000, 50);
    expect(await dir.isTenant('alpha')).toBe(true);
    expect(await dir.isTenant('alpha')).toBe(true);
    expect(loads).toBe(1);
    expect(await dir.isTenant('off')).toBe(false);
    expect(loads).toBe(1); // within missRefreshMs
    list = [...list, { realm: 'bravo', enabled: true }];
    await new Promise((r) => setTimeout(r, 60));
    expect(await dir.isTenant('bravo')).toBe(true);
    expect(loads).toBe(2);
  });

  it('keeps serving the last list when the source fails, and fails when it never loaded', async () => {
    let fail = false;
    const dir = new CachedTenantDirectory(async () => {
      if (fail) throw new Error('identity down');
      return [{ realm: 'alpha', enabled: true }];
    }, 0, 0);
    expect(await dir.isTenant('alpha')).toBe(true);
    fail = true;
    expect(await dir.isTenant('alpha')).toBe(true);
    await expect(new CachedTenantDirectory(async () => Promise.reject(new Error('identity down'))).isTenant('alpha')).rejects.toThrow('identity down');
  });

  it('StaticTenantDirectory knows only its list', async () => {
    const dir = new StaticTenantDirectory(['alpha']);
    expect([await dir.isTenant('alpha'), await dir.isTenant('master')]).toEqual([true, false]);
  });
});
