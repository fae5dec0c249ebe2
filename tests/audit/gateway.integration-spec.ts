import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
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
    const res = await get('/audit/export', auditor, { 'x-purpose': PURPOSE });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const text = await res.text();
    const report = await verifyExport([text], keys.keys[0].publicKeyPem);
    expect(report).toMatchObject({ ok: true, tenant: 'alpha', firstSeq: 1 });
    expect(report.header?.purpose).toBe('AUD-GW-1');

    const dir = mkdtempSync(join(tmpdir(), 'vigie-audit-export-'));
    writeFileSync(join(dir, 'alpha.ndjson'), text);
    writeFileSync(join(dir, 'key.pem'), keys.keys[0].publicKeyPem);
    const cli = join(launcher.ROOT, 'dist/apps/cli/main.js');
    expect(existsSync(cli)).toBe(true);
    const ok = spawnSync(process.execPath, [cli, 'audit', 'verify', join(dir, 'alpha.ndjson'), '--public-key', join(dir, 'key.pem')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"record"') && l.includes('"seq":2,'));
    lines[i] = lines[i].replace('"outcome":"', '"outcome":"x');
    writeFileSync(join(dir, 'tampered.ndjson'), lines.join('\n'));
    const bad = spawnSync(process.execPath, [cli, 'audit', 'verify', join(dir, 'tampered.ndjson'), '--public-key', join(dir, 'key.pem')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("FAILED: altered at seq 2");
  });

  it('verifies the tenant chain and lists its checkpoints', async () => {
    const report = (await (await get('/audit/verify', auditor)).json()) as { ok: boolean; tenant: string; checkpoints: { signatureValid: boolean }[] };
    expect(report).toMatchObject({ ok: true, tenant: 'alpha' });
    const listed = (await (await get('/audit/checkpoints?limit=5', auditor)).json()) as { checkpoints: { tenant: string }[] };
    expect(listed.checkpoints.every((c) => c.tenant === 'alpha')).toBe(true);
    expect((await get('/audit/records?limit=nope', auditor)).status).toBe(400);
  });
});
