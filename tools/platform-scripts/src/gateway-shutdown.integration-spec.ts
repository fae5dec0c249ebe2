import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

// A second, private gateway process (built dist, the local stack's NATS and Keycloak, ports of its
// own — the shared gateway is not touched): after serving requests to a keep-alive client, SIGTERM
// must end it cleanly in a few seconds. It took 10.5 s (its drain timer, exit 1) while
// OpenTelemetry's default OTLP metrics exporter retried its final flush to localhost:4318.
const WORKSPACE = join(__dirname, '../../..');
// The launcher is plain CommonJS, shared with the shell scripts.
const launcher = require(join(WORKSPACE, 'scripts/lib/services.cjs'));
const MAIN = join(WORKSPACE, 'dist/apps/gateway/main.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function getText(port: number, path: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).once('error', reject);
  });
}

let gateway: ChildProcess | undefined;
let output = '';

afterAll(() => {
  if (gateway && gateway.exitCode === null) gateway.kill('SIGKILL');
});

it('a gateway that served a keep-alive client stops on SIGTERM in a few seconds, exit code 0', async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx nx build gateway)`);
  const [httpPort, healthPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, ...launcher.serviceEnv('gateway', launcher.loadStackEnv(), { HTTP_PORT: String(httpPort), HEALTH_PORT: String(healthPort), LOG_LEVEL: 'warn' }) };
  delete env['VIGIE_TRACE_FILE'];
  gateway = spawn(process.execPath, ['--enable-source-maps', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  gateway.stdout?.on('data', (c) => (output += c));
  gateway.stderr?.on('data', (c) => (output += c));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => gateway?.once('exit', (code) => resolve({ code, at: Date.now() })));

  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await getText(healthPort, '/health/ready').catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > deadline || gateway.exitCode !== null) throw new Error(`the private gateway did not become ready:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const agent = new Agent({ keepAlive: true });
  for (let i = 0; i < 3; i++) expect((await getText(httpPort, '/api/v1/health', agent)).status).toBeLessThan(600);
  expect(Object.keys(agent.freeSockets).length).toBe(1); // the client keeps its connection open

  const signalled = Date.now();
  gateway.kill('SIGTERM');
  const { code, at } = await exited;
  agent.destroy();

  expect({ code, output: code === 0 ? '' : output.slice(-2000) }).toEqual({ code: 0, output: '' });
  expect(at - signalled).toBeLessThan(5000);
}, 90_000);
