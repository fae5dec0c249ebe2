import { ChildProcess } from 'node:child_process';
import { createServer, Server, Socket } from 'node:net';
import { freePort, startPrivateGateway } from '@vigie/shared-testing';

/**
 * The gateway stops on SIGTERM in bounded steps (runShutdown, as the NATS services do): requests
 * in flight, then the internal HTTP server, then the telemetry flush — a collector that accepts
 * the connection and never answers no longer holds the process until its watchdog exits 1.
 */
interface ShutdownLog {
  msg: string;
  totalMs: number;
  steps: { name: string; outcome: string }[];
}

let collector: Server;
const sockets: Socket[] = [];
let collectorPort: number;

beforeAll(async () => {
  // Accepts OTLP connections, reads nothing back, answers nothing.
  collector = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorPort = (collector.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => collector.close(r));
});

async function stop(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  return { code, ms: Date.now() - started };
}

function shutdownReport(output: string[]): ShutdownLog | undefined {
  return output
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ShutdownLog)
    .find((l) => typeof l.msg === 'string' && l.msg.startsWith('stopped in'));
}

describe('gateway shutdown on SIGTERM', () => {
  it('exits 0 in bounded steps while the trace collector hangs, and says which step timed out', async () => {
    const [httpPort, healthPort] = [await freePort(), await freePort()];
    const output: string[] = [];
    const gateway = await startPrivateGateway(
      httpPort,
      healthPort,
      { LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '1000', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}` },
      output,
    );
    // A traced request, so that the exporter has spans to flush.
    expect((await fetch(`http://127.0.0.1:${httpPort}/api/v1/health`)).status).toBe(200);
    const { code, ms } = await stop(gateway);
    expect(code).toBe(0);
    // Watchdog: SHUTDOWN_GRACE_MS + 5 s; the steps: application ≤ grace + 2 s, internal ≤ 1 s, telemetry ≤ 2 s.
    expect(ms).toBeLessThan(6_000);
    const report = shutdownReport(output);
    expect(report?.steps.map((s) => s.name)).toEqual(['application (HTTP requests in flight, NATS clients)', 'internal HTTP (health, metrics)', 'telemetry flush']);
    // The collector never answers: the flush is abandoned at its bound, the rest done.
    expect(report?.steps.map((s) => s.outcome)).toEqual(['done', 'done', 'timed out']);
    expect(await fetch(`http://127.0.0.1:${healthPort}/health/live`).then(() => 'answered').catch(() => 'closed')).toBe('closed');
  });
});
