import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { verifyExport } from '@vigie/audit-chain';
import { gatewayUrl, launcher } from '@vigie/shared-testing';
import { localKeys, login, waitFor, writerPool } from './audit-test.helpers';

// Through the running gateway, with tokens of the development realms (config/realms: alpha has
// the auditor alpha-auditor; bravo's users have no auditor role). VIGIE_GATEWAY_URL points the
// test at another gateway instance (default: the local stack's).
const base = process.env['VIGIE_GATEWAY_URL'] ?? gatewayUrl();
const PURPOSE = JSON.stringify({ caseRef: 'AUD-GW-1', justification: 'Gateway export test' });

interface RecordsPage {
  records: { tenant: string; seq: number; event: { action: string; actor: { username?: string }; details: Record<string, unknown> } }[];
  nextCursor: string | null;
}

/**
 * Runs the built CLI without blocking the event loop (a blocking spawnSync would let the gateway's
 * keep-alive timeout close the pooled socket unnoticed, failing the next request).
 */
function runCli(cli: string, args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8' }, (error, stdout) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout });
    });
  });
}

async function get(path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/v1${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

describe('audit through the gateway', () => {
  let db: Pool;
  let auditor: string;
  let bravoAdmin: string;

  beforeAll(async () => {
    db = writerPool();
    auditor = await login('alpha', 'alpha-auditor');
    bravoAdmin = await login('bravo', 'bravo-admin');
  });

  afterAll(async () => {
    await db.end();
  });

  it('records a request refused for want of a token (401) in the platform chain', async () => {
    const agent = `tests-audit-${randomUUID()}`;
    const res = await get('/audit/records?actor=someone', undefined, { 'user-agent': agent });
    expect(res.status).toBe(401);
    const row = await waitFor('the http.request event', async () => {
      const r = await db.query<{ event: { outcome: string; actor: { kind: string }; details: Record<string, unknown> } }>(
        `SELECT event FROM audit.records WHERE tenant = '_platform' AND event @> $1::jsonb`,
        [JSON.stringify({ action: 'http.request', details: { userAgent: agent } })],
      );
      return r.rows[0];
    });
    expect(row.event).toMatchObject({ outcome: 'denied', actor: { kind: 'anonymous' }, details: { method: 'GET', path: '/api/v1/audit/records', status: 401 } });
    expect(typeof row.event.details['latencyMs']).toBe('number');
  });

  it("gives the auditor their tenant's log, records the read itself, and refuses a non-auditor (403)", async () => {
    const agent = `tests-audit-${randomUUID()}`;
    const res = await get('/audit/records?limit=50', auditor, { 'user-agent': agent });
    expect(res.status).toBe(200);
    const page = (await res.json()) as RecordsPage;
    expect(page.records.length).toBeGreaterThan(0);
    expect(page.records.every((r) => r.tenant === 'alpha')).toBe(true);

    const denied = await get('/audit/records', bravoAdmin);
    expect(denied.status).toBe(403);

    // The auditor's read is audited by the audit service (audit.query) and by the gateway (http.request).
    await waitFor('the auditor read in the alpha chain', async () => {
      const r = await db.query(`SELECT 1 FROM audit.records WHERE tenant = 'alpha' AND event @> $1::jsonb`, [
        JSON.stringify({ action: 'http.request', actor: { username: 'alpha-auditor' }, details: { userAgent: agent, status: 200 } }),
      ]);
      return r.rowCount === 1;
    });
    // The refused bravo read is in bravo's chain, and nowhere an alpha auditor can see it.
    await waitFor('the denied read in the bravo chain', async () => {
      const r = await db.query(`SELECT 1 FROM audit.records WHERE tenant = 'bravo' AND event @> $1::jsonb`, [
        JSON.stringify({ action: 'audit.query', outcome: 'denied', actor: { username: 'bravo-admin' } }),
      ]);
      return (r.rowCount ?? 0) >= 1;
    });
    const cross = (await (await get('/audit/records?actor=bravo-admin&limit=500', auditor)).json()) as RecordsPage;
    expect(cross.records).toEqual([]);
  });

  it('answers 428 PURPOSE_REQUIRED to an export without a purpose, saying what to send', async () => {
    const res = await get('/audit/export', auditor);
    expect(res.status).toBe(428);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('PURPOSE_REQUIRED');
    expect(body.error.message).toMatch(/x-purpose: \{"caseRef"/);
  });

  it('streams an NDJSON export that the offline CLI verifies with the public key', async () => {
    const keys = (await (await get('/audit/keys', auditor)).json()) as { keys: { keyId: string; publicKeyPem: string; status: string }[] };
    expect(keys.keys[0]).toMatchObject({ keyId: localKeys().signing.keyId, status: 'active' });
    // A bounded range: the development chain of alpha grows with every test run (tens of MB).
    const res = await get('/audit/export?fromSeq=1&toSeq=1500', auditor, { 'x-purpose': PURPOSE });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const text = await res.text();
    const report = await verifyExport([text], keys.keys[0].publicKeyPem);
    // Up to 1500 records: a fresh chain may hold fewer; every record exported is checked.
    const exported = text.split('\n').filter((line) => line.trim() && (JSON.parse(line) as { type?: string }).type === 'record').length;
    expect(exported).toBeGreaterThan(0);
    expect(exported).toBeLessThanOrEqual(1500);
    expect(report).toMatchObject({ ok: true, tenant: 'alpha', firstSeq: 1, lastSeq: exported, recordsChecked: exported });
    expect(report.header?.purpose).toBe('AUD-GW-1');

    const dir = mkdtempSync(join(tmpdir(), 'vigie-audit-export-'));
    writeFileSync(join(dir, 'alpha.ndjson'), text);
    writeFileSync(join(dir, 'key.pem'), keys.keys[0].publicKeyPem);
    const cli = join(launcher.ROOT, 'dist/apps/cli/main.js');
    expect(existsSync(cli)).toBe(true);
    const ok = await runCli(cli, ['audit', 'verify', join(dir, 'alpha.ndjson'), '--public-key', join(dir, 'key.pem')]);
    expect(ok.status).toBe(0);
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"record"') && l.includes('"seq":2,'));
    lines[i] = lines[i].replace('"outcome":"', '"outcome":"x');
    writeFileSync(join(dir, 'tampered.ndjson'), lines.join('\n'));
    const bad = await runCli(cli, ['audit', 'verify', join(dir, 'tampered.ndjson'), '--public-key', join(dir, 'key.pem')]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("FAILED: altered at seq 2");
  });

  it('verifies the tenant chain and lists its checkpoints', async () => {
    // The recent part of the chain (the whole development chain of alpha grows with every run):
    // verified from the latest checkpoint before fromSeq.
    const head = ((await (await get('/audit/records?limit=1', auditor)).json()) as RecordsPage).records[0]!.seq;
    const fromSeq = Math.max(1, head - 3000);
    const report = (await (await get(`/audit/verify?fromSeq=${fromSeq}`, auditor)).json()) as { ok: boolean; tenant: string; firstSeq: number; lastSeq: number };
    expect(report).toMatchObject({ ok: true, tenant: 'alpha' });
    expect(report.firstSeq).toBeLessThanOrEqual(fromSeq);
    expect(report.lastSeq).toBeGreaterThanOrEqual(head);
    const listed = (await (await get('/audit/checkpoints?limit=5', auditor)).json()) as { checkpoints: { tenant: string }[] };
    expect(listed.checkpoints.every((c) => c.tenant === 'alpha')).toBe(true);
    expect((await get('/audit/records?limit=nope', auditor)).status).toBe(400);
  });

  it('refuses the platform chain to a tenant auditor when no realm is designated to read it', async () => {
    // The local stack designates no realm (AUDIT_PLATFORM_AUDITOR_REALMS empty): the platform chain
    // — requests without a valid token, unknown realms — is no tenant auditor's to read.
    for (const path of ['/audit/records?chain=platform', '/audit/verify?chain=platform', '/audit/checkpoints?chain=platform']) {
      const res = await get(path, auditor);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('AUDIT_PLATFORM_CHAIN_FORBIDDEN');
    }
    const exported = await get('/audit/export?chain=platform', auditor, { 'x-purpose': PURPOSE });
    expect(exported.status).toBe(403);
    expect((await get('/audit/records?chain=bravo', auditor)).status).toBe(400);
  });
});
