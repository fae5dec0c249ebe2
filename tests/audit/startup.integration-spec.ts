import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launcher } from '@vigie/shared-testing';

// The built audit service refuses to start without what makes its log trustworthy.
function start(overrides: Record<string, string>) {
  const env = { ...process.env, ...launcher.serviceEnv('audit', undefined, { HEALTH_PORT: '3949', ...overrides }) };
  return spawnSync(process.execPath, [join(launcher.ROOT, 'dist/apps/audit/main.js')], { env, encoding: 'utf8', timeout: 30000 });
}

describe('audit service start-up', () => {
  it('refuses to start without a signing key', () => {
    const r = start({ AUDIT_SIGNING_KEY: '' });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('AUDIT_SIGNING_KEY is not set');
  });

  it('refuses to run as anything but the writer role', () => {
    const r = start({ AUDIT_WRITER_DATABASE_URL: '' });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('AUDIT_WRITER_DATABASE_URL is not set');
  });
});
