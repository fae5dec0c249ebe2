import { ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { createServer, Server, Socket } from 'node:net';
import { freePort, startPrivateGateway } from '@vigie/shared-testing';

// A second, private gateway process (built dist, the local stack's NATS and Keycloak, ports of its
// own — the shared gateway is not touched) stops on SIGTERM in bounded steps (runShutdown, as the
// NATS services do): requests in flight, the internal HTTP server, then the telemetry flush.
// After serving a keep-alive client it took 10.5 s (its drain timer, exit 1) while OpenTelemetry's
// default OTLP metrics exporter retried its final flush to localhost:4318; a trace collector that
// accepts the connection and never answers held it the same way until the flush was bounded.

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

interface ShutdownLog {
  msg: string;
  steps: { name: string; outcome: string }[];
}

/** The shutdown report the gateway logs ("stopped in N ms"), from its JSON log lines. */
function shutdownReport(output: string[]): ShutdownLog | undefined {
  return output
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ShutdownLog)
    .find((l) => typeof l.msg === 'string' && l.msg.startsWith('stopped in'));
}

async function stop(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const signalled = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  return { code, ms: Date.now() - signalled };
}

const gateways: ChildProcess[] = [];
async function gateway(overrides: Record<string, string>, output: string[]): Promise<{ child: ChildProcess; httpPort: number; healthPort: number }> {
  const [httpPort, healthPort] = [await freePort(), await freePort()];
  const child = await startPrivateGateway(httpPort, healthPort, overrides, output);
  gateways.push(child);
  return { child, httpPort, healthPort };
}

afterAll(() => {
  for (const child of gateways) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

it('a gateway that served a keep-alive client stops on SIGTERM in a few seconds, exit code 0', async () => {
  const output: string[] = [];
  const { child, httpPort } = await gateway({}, output);
  const agent = new Agent({ keepAlive: true });
  for (let i = 0; i < 3; i++) expect((await getText(httpPort, '/api/v1/health', agent)).status).toBeLessThan(600);
  expect(Object.keys(agent.freeSockets).length).toBe(1); // the client keeps its connection open

  const { code, ms } = await stop(child);
  agent.destroy();

  expect({ code, output: code === 0 ? '' : output.join('').slice(-2000) }).toEqual({ code: 0, output: '' });
  expect(ms).toBeLessThan(5000);
}, 90_000);

describe('with a trace collector that accepts and never answers', () => {
  let collector: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    collector = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => collector.close(r));
  });

  it('exits 0 in bounded steps and reports the telemetry flush as timed out', async () => {
    const output: string[] = [];
    const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
    const { child, httpPort, healthPort } = await gateway({ LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '1000', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, output);
    // A traced request, so that the exporter has spans to flush.
    expect((await getText(httpPort, '/api/v1/health')).status).toBe(200);
    const { code, ms } = await stop(child);
    expect(code).toBe(0);
    // Watchdog: SHUTDOWN_GRACE_MS + 5 s; the steps: application ≤ grace + 2 s, internal ≤ 1 s, telemetry ≤ 2 s.
    expect(ms).toBeLessThan(6_000);
    const report = shutdownReport(output);
    expect(report?.steps.map((s) => s.name)).toEqual(['application (HTTP requests in flight, NATS clients)', 'internal HTTP (health, metrics)', 'telemetry flush']);
    expect(report?.steps.map((s) => s.outcome)).toEqual(['done', 'done', 'timed out']);
    expect(await getText(healthPort, '/health/live').then(() => 'answered').catch(() => 'closed')).toBe('closed');
  }, 90_000);
});
