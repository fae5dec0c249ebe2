import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launcher } from '@vigie/shared-testing';

describe('NATS subject permissions on the local stack', () => {
  it('allows each service only its own subjects, streams and inbox (scripts/stack/check-nats-permissions.js)', () => {
    const result = spawnSync(process.execPath, [join(launcher.ROOT, 'scripts/stack/check-nats-permissions.js')], {
      cwd: launcher.ROOT,
      encoding: 'utf8',
      timeout: 120000,
    });
    const failures = result.stdout.split('\n').filter((line) => line.startsWith('FAIL'));
    expect(failures).toEqual([]);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(result.status).toBe(0);
  });
});
