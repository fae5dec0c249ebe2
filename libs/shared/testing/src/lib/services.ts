import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Typed access to the local launcher (`scripts/lib/services.cjs`) used by `npm run up` and `npm test`. */
export interface LocalService {
  name: string;
  healthPort: number;
  httpPort?: number;
  db: boolean;
  keycloak?: boolean;
}

export interface Launcher {
  SERVICES: LocalService[];
  ROOT: string;
  /** The Node that runs the services (the pinned Node 22 of node_modules when installed). */
  serviceNode(): string;
  stateDir(): string;
  loadStackEnv(dir?: string): Record<string, string>;
  serviceEnv(name: string, stack?: Record<string, string>, overrides?: Record<string, string>): Record<string, string>;
  runCommand(name: string, command: string, options?: { overrides?: Record<string, string> }): string;
  start(name: string, options?: { overrides?: Record<string, string> }): { pid: number; reused: boolean };
  stop(name: string, options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<boolean>;
  waitReady(name: string, timeoutMs?: number): Promise<void>;
  runningPid(name: string): number | undefined;
}

const WORKSPACE_ROOT = join(__dirname, '../../../../..');

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the launcher is plain CommonJS shared with shell scripts
export const launcher: Launcher = require(join(WORKSPACE_ROOT, 'scripts/lib/services.cjs'));

export function gatewayUrl(path = ''): string {
  const gateway = launcher.SERVICES.find((s) => s.name === 'gateway');
  return `http://127.0.0.1:${gateway?.httpPort}${path}`;
}

export function serviceHealthUrl(name: string, path = '/health/ready'): string {
  const service = launcher.SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`unknown service ${name}`);
  return `http://127.0.0.1:${service.healthPort}${path}`;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A private gateway (the same build, NATS and Keycloak as the stack) on its own ports, with
 * `overrides` in its environment; resolves once it answers ready (at most 60 s). With `output`,
 * its stdout and stderr (JSON log lines) are appended there.
 */
export async function startPrivateGateway(httpPort: number, healthPort: number, overrides: Record<string, string> = {}, output?: string[]): Promise<ChildProcess> {
  const env = { ...process.env, ...launcher.serviceEnv('gateway', launcher.loadStackEnv(), { HTTP_PORT: String(httpPort), HEALTH_PORT: String(healthPort), LOG_LEVEL: 'warn', ...overrides }) };
  const child = spawn(launcher.serviceNode(), [join(launcher.ROOT, 'dist/apps/gateway/main.js')], { env, stdio: output ? ['ignore', 'pipe', 'pipe'] : 'ignore' });
  if (output) for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await fetch(`http://127.0.0.1:${healthPort}/health/ready`).then((r) => r.ok).catch(() => false)) return child;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the test gateway did not become ready${output ? `:\n${output.join('').slice(-2000)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
