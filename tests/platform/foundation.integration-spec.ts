import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, gatewayUrl, launcher, serviceHealthUrl, startPrivateGateway } from '@vigie/shared-testing';

const NATS_SERVICES = ['identity', 'ingestion', 'ontology', 'analytics', 'audit'];

interface SpanRecord {
  service: string;
  traceId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

function readSpans(): SpanRecord[] {
  const dir = process.env['VIGIE_TRACE_DIR'];
  if (!dir) throw new Error('VIGIE_TRACE_DIR is not set: run through npm test, which starts the services with span files');
  return launcher.SERVICES.flatMap(({ name }) => {
    const file = join(dir, `${name}.ndjson`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SpanRecord);
  });
}

async function eventually<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the platform on the local stack', () => {
  it.each(['gateway', ...NATS_SERVICES])('%s answers its internal health and metrics endpoints', async (name) => {
    const live = await fetch(serviceHealthUrl(name, '/health/live'));
    expect(live.status).toBe(200);
    const ready = await fetch(serviceHealthUrl(name, '/health/ready'));
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(serviceHealthUrl(name, '/metrics'))).text();
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('GET /api/v1/health reports every service over NATS, and PostgreSQL, JetStream and Keycloak with versions', async () => {
    const res = await fetch(gatewayUrl('/api/v1/health'));
    const body = (await res.json()) as {
      status: string;
      services: Record<string, { status: string; version?: string }>;
      dependencies: { name: string; status: string; version?: string }[];
    };
    expect(res.status).toBe(200);
    expect(body.status).toBe('up');
    for (const name of NATS_SERVICES) expect(body.services[name]).toMatchObject({ status: 'up', version: expect.any(String) });
    const deps = Object.fromEntries(body.dependencies.map((d) => [d.name, d]));
    expect(deps['postgresql']).toMatchObject({ status: 'up', version: expect.stringMatching(/^\d+\.\d+/) });
    expect(deps['nats-jetstream']).toMatchObject({ status: 'up', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(deps['keycloak']).toMatchObject({ status: 'up', version: expect.stringMatching(/^\d+\.\d+/) });
  });

  it('GET /api/v1/health is degraded, saying what to do, when JetStream stores 90 % of its configured store; the gateway stays ready', async () => {
    const [httpPort, healthPort] = [await freePort(), await freePort()];
    // A gateway told the store holds 1 KiB: whatever the stack's streams hold is above 90 % of it.
    const gateway = await startPrivateGateway(httpPort, healthPort, { NATS_JETSTREAM_MAX_STORAGE: '1K' });
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/health`);
      const body = (await res.json()) as { status: string; services: Record<string, { status: string }>; dependencies: { name: string; status: string; error?: string; storageBytes?: number; storageLimitBytes?: number }[] };
      expect(res.status).toBe(503);
      expect(body.status).toBe('degraded');
      const jetstream = body.dependencies.find((d) => d.name === 'nats-jetstream');
      expect(jetstream).toMatchObject({ status: 'degraded', storageLimitBytes: 1024, storageBytes: expect.any(Number) });
      expect(jetstream?.error).toMatch(/^JetStream store .* used \(100 %\): when it is full, every audited act is refused \(the audit log cannot record it\) and imports and change events wait \(nothing is lost\)/);
      // The services run with the stack's real limit (8 GB): up.
      for (const name of NATS_SERVICES) expect(body.services[name]).toMatchObject({ status: 'up' });
      expect((await fetch(`http://127.0.0.1:${healthPort}/health/ready`)).status).toBe(200);
    } finally {
      gateway.kill('SIGTERM');
    }
  });

  it('serves the OpenAPI document and its UI under /api/docs', async () => {
    const doc = (await (await fetch(gatewayUrl('/api/docs/openapi.json'))).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/v1/health');
    const ui = await fetch(gatewayUrl('/api/docs'));
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('keeps one trace across HTTP → NATS → every service → SQL', async () => {
    const traceId = randomBytes(16).toString('hex');
    const res = await fetch(gatewayUrl('/api/v1/health'), { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
    expect(res.status).toBe(200);
    const spans = await eventually(() => {
      const found = readSpans().filter((s) => s.traceId === traceId);
      const services = new Set(found.map((s) => s.service));
      // The gateway's SERVER span ends last (after the response), so it may be exported last: wait for it too.
      return ['gateway', ...NATS_SERVICES].every((n) => services.has(n)) &&
        found.some((s) => s.service === 'gateway' && s.kind === 1) &&
        found.some((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql')
        ? found
        : undefined;
    });
    expect(spans.some((s) => s.service === 'gateway' && s.kind === 1 /* SERVER */)).toBe(true);
    for (const name of NATS_SERVICES) {
      expect(spans.some((s) => s.service === name && s.name === `${name}.v1.health.check process`)).toBe(true);
    }
    const sqlServices = new Set(spans.filter((s) => String(s.attributes['db.system'] ?? s.attributes['db.system.name']) === 'postgresql').map((s) => s.service));
    expect(sqlServices.size).toBeGreaterThanOrEqual(NATS_SERVICES.length - 1);
  });

  it('answers an unknown route with a 404 and a code, and bad JSON with a 400 naming the problem', async () => {
    const missing = await fetch(gatewayUrl('/api/v1/no-such-thing'));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
    const bad = await fetch(gatewayUrl('/api/v1/health'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"oops":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/JSON/);
  });

  it('refuses to start a service with invalid configuration, naming the variable', () => {
    const env = { ...process.env, ...launcher.serviceEnv('ontology'), HEALTH_PORT: 'eighty', DATABASE_URL: '' };
    const result = spawnSync(process.execPath, [join(launcher.ROOT, 'dist/apps/ontology/main.js')], { env, encoding: 'utf8', timeout: 20000 });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Invalid configuration for ontology');
    expect(result.stderr).toContain('HEALTH_PORT is invalid');
    expect(result.stderr).toContain('DATABASE_URL is required but not set');
  });
});

describe('a request to a service that does not answer', () => {
  afterAll(async () => {
    const pid = launcher.runningPid('analytics');
    if (pid) process.kill(pid, 'SIGCONT');
    launcher.start('analytics');
    await launcher.waitReady('analytics');
  });

  it('fails fast with 503 SERVICE_UNAVAILABLE when the service is stopped', async () => {
    await launcher.stop('analytics');
    const started = Date.now();
    const res = await fetch(gatewayUrl('/api/v1/health/services/analytics'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(3000);
    const platform = (await (await fetch(gatewayUrl('/api/v1/health'))).json()) as { status: string; services: Record<string, { status: string; error?: { code: string } }> };
    expect(platform.status).toBe('degraded');
    expect(platform.services['analytics']).toMatchObject({ status: 'down', error: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('fails with 504 SERVICE_TIMEOUT when the service hangs, not a hang of the gateway', async () => {
    launcher.start('analytics');
    await launcher.waitReady('analytics');
    const pid = launcher.runningPid('analytics')!;
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const res = await fetch(gatewayUrl('/api/v1/health/services/analytics'));
      expect(res.status).toBe(504);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SERVICE_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(10000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });
});
