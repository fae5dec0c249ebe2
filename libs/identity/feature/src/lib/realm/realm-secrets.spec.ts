import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealmSecrets } from './realm-secrets';

describe('RealmSecrets', () => {
  it('reads a secret file, trimmed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    writeFileSync(join(dir, 'client-x'), 's3cret\n');
    expect(await new RealmSecrets(dir, false).get('client-x')).toEqual({ value: 's3cret', generated: false });
  });

  it('generates a missing secret once (0600) when allowed, and it satisfies the password policy', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'secrets-')), 'realms');
    const secrets = new RealmSecrets(dir, true);
    const first = await secrets.get('dev-user-password');
    expect(first.generated).toBe(true);
    expect(first.value).toMatch(/[A-Z]/);
    expect(first.value).toMatch(/[a-z]/);
    expect(first.value).toMatch(/\d/);
    expect(first.value).toMatch(/[^A-Za-z0-9]/);
    expect(first.value.length).toBeGreaterThanOrEqual(12);
    expect(statSync(join(dir, 'dev-user-password')).mode & 0o777).toBe(0o600);
    expect(await secrets.get('dev-user-password')).toEqual({ value: first.value, generated: false });
  });

  it('refuses a missing secret otherwise, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    await expect(new RealmSecrets(dir, false).get('client-y')).rejects.toThrow(`no file ${join(dir, 'client-y')}`);
    await expect(new RealmSecrets(undefined, false).get('client-y')).rejects.toThrow(/REALM_SECRETS_DIR is not set/);
  });
});
