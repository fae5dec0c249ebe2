import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentityException, IdentityExceptionCode } from '@vigie/identity-contracts';

/**
 * Secrets named by realm files (client secrets, seed passwords): one file per secret in a
 * directory (a mounted Kubernetes Secret in production, `.vigie/secrets/realms` locally). With
 * `generate`, a missing secret is created (mode 0600) — for development only.
 */
export class RealmSecrets {
  constructor(
    private readonly dir: string | undefined,
    private readonly generate: boolean,
  ) {}

  async get(ref: string): Promise<{ value: string; generated: boolean }> {
    if (!this.dir) throw new IdentityException(IdentityExceptionCode.RealmDefinitionInvalid, `Secret "${ref}" is referenced but REALM_SECRETS_DIR is not set`);
    const file = join(this.dir, ref);
    try {
      const value = (await readFile(file, 'utf8')).trim();
      if (value) return { value, generated: false };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (!this.generate) throw new IdentityException(IdentityExceptionCode.RealmDefinitionInvalid, `Secret "${ref}" is missing: no file ${file}`);
    // Satisfies the default password policy (upper, lower, digit, special, length ≥ 12).
    const value = `Vg-${randomBytes(18).toString('base64url')}-a1B!`;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    return { value: (await readFile(file, 'utf8')).trim(), generated: true };
  }
}
