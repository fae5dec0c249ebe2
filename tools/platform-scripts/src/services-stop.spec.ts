import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `scripts/lib/services.cjs stop` against fake services: a copy of the launcher in a temporary
// workspace whose dist/apps/<name>/main.js are tiny HTTP servers, a private state dir and ports
// shifted far away from the shared stack's.
const WORKSPACE = join(__dirname, '../../..');
// Below the ephemeral range (32768+), so that no outgoing connection holds one of them.
const OFFSET = 20000 + (process.pid % 45) * 200;
const port = (base: number): number => base + OFFSET;

const FAKE_MAIN = `
const http = require('node:http');
const path = require('node:path');
const name = path.basename(__dirname);
for (const p of [process.env.HEALTH_PORT, process.env.HTTP_PORT].filter(Boolean)) {
  http.createServer((req, res) => res.end('ok')).listen(Number(p), '127.0.0.1');
}
const stubborn = (process.env.FAKE_IGNORE_SIGTERM || '').split(',').includes(name);
process.on('SIGTERM', () => { if (!stubborn) process.exit(0); });
`;

let root: string;
const helpers: ChildProcess[] = [];

function launcher(args: string[], extraEnv: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'scripts/lib/services.cjs'), ...args], {
    env: { ...process.env, VIGIE_STATE_DIR: join(root, '.vigie'), VIGIE_PORT_OFFSET: String(OFFSET), VIGIE_STOP_TIMEOUT_MS: '4000', ...extraEnv },
    encoding: 'utf8',
    timeout: 45_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function pidOf(name: string): number {
  return Number(readFileSync(join(root, '.vigie/run', `${name}.pid`), 'utf8'));
}

/** Running, not a zombie (an orphan that exited may wait a while for a reaper). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function listening(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(p, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function foreignListener(p: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${p}, '127.0.0.1', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  helpers.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`foreign listener exited with ${code}`)));
  });
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vigie-stop-'));
  mkdirSync(join(root, 'scripts/lib'), { recursive: true });
  copyFileSync(join(WORKSPACE, 'scripts/lib/services.cjs'), join(root, 'scripts/lib/services.cjs'));
  for (const name of ['gateway', 'identity', 'ingestion', 'ontology', 'analytics', 'audit']) {
    mkdirSync(join(root, 'dist/apps', name), { recursive: true });
    writeFileSync(join(root, 'dist/apps', name, 'main.js'), FAKE_MAIN);
  }
  mkdirSync(join(root, '.vigie'), { recursive: true });
  writeFileSync(join(root, '.vigie/stack.env'), 'NATS_URL=nats://127.0.0.1:1\n');
});

afterAll(() => {
  for (const child of helpers) child.kill('SIGKILL');
  launcher(['stop']);
  rmSync(root, { recursive: true, force: true });
});

describe('services.cjs stop', () => {
  it('stops every service although one fails, SIGKILLs the one that ignores SIGTERM, and exits non-zero naming the failure', async () => {
    const started = launcher(['start', 'gateway', 'ontology', 'audit'], { FAKE_IGNORE_SIGTERM: 'gateway' });
    expect(started.stderr).toBe('');
    expect(started.status).toBe(0);
    const pids = { gateway: pidOf('gateway'), ontology: pidOf('ontology'), audit: pidOf('audit') };
    // Something that is not a Vigie service holds identity's health port: stop reports it, leaves
    // it alone, and still goes on to the gateway (stopped last).
    const intruder = await foreignListener(port(3101));

    const stopped = launcher(['stop']);

    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toContain(`identity: NOT STOPPED: identity: port ${port(3101)} is still held by pid ${intruder.pid}`);
    expect(stopped.stderr).toContain('stop failed for identity');
    expect(stopped.stdout).toMatch(/^audit: stopped \(pid \d+, \d+ ms\)$/m);
    expect(stopped.stdout).toMatch(/^ontology: stopped/m);
    expect(stopped.stdout).toMatch(/^gateway: killed/m);
    expect(stopped.stdout.trim().split('\n').pop()).toMatch(/^gateway:/);
    for (const pid of Object.values(pids)) expect(alive(pid)).toBe(false);
    expect(await listening(port(3000))).toBe(false);
    expect(await listening(port(3100))).toBe(false);
    expect(alive(intruder.pid as number)).toBe(true);
    expect(existsSync(join(root, '.vigie/run/gateway.pid'))).toBe(false);
  });

  it('finds a service process by its port when its pid file is gone', async () => {
    expect(launcher(['start', 'gateway']).status).toBe(0);
    const pid = pidOf('gateway');
    unlinkSync(join(root, '.vigie/run/gateway.pid'));

    const stopped = launcher(['stop', 'gateway']);

    expect(stopped.status).toBe(0);
    expect(stopped.stdout).toContain(`gateway: stopped (pid ${pid},`);
    expect(alive(pid)).toBe(false);
    expect(await listening(port(3000))).toBe(false);
  });

  it('does not kill an unrelated process whose pid a stale pid file names', () => {
    const other = spawn('sleep', ['30']);
    helpers.push(other);
    mkdirSync(join(root, '.vigie/run'), { recursive: true });
    writeFileSync(join(root, '.vigie/run/analytics.pid'), String(other.pid));

    const stopped = launcher(['stop', 'analytics']);

    expect(stopped.status).toBe(0);
    expect(stopped.stdout.trim()).toBe('analytics: not running');
    expect(alive(other.pid as number)).toBe(true);
  });
});
