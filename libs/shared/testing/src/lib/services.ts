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
