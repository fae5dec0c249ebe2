import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The scripts find the local stack under VIGIE_STATE_DIR (default <repo>/.vigie), like
// scripts/stack/** and scripts/lib/services.cjs, so that an isolated stack needs no workaround.
const WORKSPACE = join(__dirname, '../../..');

function sh(script: string, env: Record<string, string | undefined>, cwd = WORKSPACE): { status: number | null; stdout: string; stderr: string } {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const k of ['VIGIE_STATE_DIR', 'VIGIE_PORT_OFFSET']) delete base[k];
  const r = spawnSync('bash', ['-c', `set -euo pipefail; . "${WORKSPACE}/scripts/lib/common.sh"; ${script}`], { cwd, env: { ...base, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

let tmp: string;
beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), 'vigie-state-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scripts/lib/common.sh', () => {
  it('defaults the state dir to <repo>/.vigie and exports it', () => {
    expect(sh('echo "$VIGIE_STATE_DIR"; bash -c \'echo "$VIGIE_STATE_DIR"\'', {}).stdout).toBe(`${WORKSPACE}/.vigie\n${WORKSPACE}/.vigie`);
  });

  it('honours VIGIE_STATE_DIR, a relative one taken from the caller directory', () => {
    expect(sh('echo "$VIGIE_STATE_DIR"', { VIGIE_STATE_DIR: 'iso/.vigie' }, tmp).stdout).toBe(join(tmp, 'iso/.vigie'));
  });

  it('loads stack.env from the state dir, and says where it looked when it is missing', () => {
    writeFileSync(join(tmp, 'stack.env'), 'NATS_URL=nats://127.0.0.1:4922\n');
    expect(sh('load_stack_env; bash -c \'echo "$NATS_URL"\'', { VIGIE_STATE_DIR: tmp }).stdout).toBe('nats://127.0.0.1:4922');
    const missing = sh('load_stack_env', { VIGIE_STATE_DIR: join(tmp, 'empty') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`${join(tmp, 'empty')}/stack.env not found: start the stack first (npm run stack:up)`);
  });

  it('moves the gateway port with VIGIE_PORT_OFFSET like services.cjs', () => {
    expect(sh('gateway_port', {}).stdout).toBe('3000');
    expect(sh('gateway_port', { VIGIE_PORT_OFFSET: '800' }).stdout).toBe('3800');
  });
});

describe('no script reads the default state dir directly', () => {
  it.each(['scripts/up.sh', 'scripts/test.sh', 'scripts/lib/common.sh', 'scripts/stack/up.sh', 'scripts/stack/down.sh', 'scripts/stack/status.sh', '.ci/run'])('%s', (file) => {
    const code = readFileSync(join(WORKSPACE, file), 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'));
    // Only the default itself may name the folder.
    expect(code.filter((line) => line.includes('.vigie') && !line.includes('$ROOT/.vigie}') && !line.includes('$VIGIE_REPO_ROOT/.vigie}'))).toEqual([]);
  });
});
