import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayUrl, launcher } from '@vigie/shared-testing';
import { api, expectBalanced, login, quarantine, uniqueSource, upload, waitJob } from './ingestion-test.helpers';

interface ExtensionState {
  version: number;
  missing: string[];
  changes?: { kind: string; name: string; created: boolean }[];
}

async function apply(token: string): Promise<{ status: number; body: ExtensionState & { error?: { code: string; message: string } } }> {
  const res = await fetch(gatewayUrl('/api/v1/ingest/stix-extension'), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as ExtensionState & { error?: { code: string; message: string } } };
}

let admin: string;
let ingest: string;
const dir = mkdtempSync(join(tmpdir(), 'vigie-stix-'));

beforeAll(async () => {
  [admin, ingest] = await Promise.all([login('alpha-admin'), login('alpha-ingest')]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the STIX ontology extension of a tenant', () => {
  it('is applied by an administrator only (403 for an ingest user), idempotently, after which nothing is missing', async () => {
    const refused = await apply(ingest);
    expect(refused.status).toBe(403);
    expect(refused.body.error!.message).toMatch(/vigie-admin/);

    const first = await apply(admin);
    expect(first.status).toBe(200);
    expect(first.body.missing).toEqual([]);
    const second = await apply(admin);
    expect(second.status).toBe(200);
    expect(second.body.changes).toEqual([]);
    expect(second.body.version).toBe(first.body.version);
    const state = await api<ExtensionState>('/ingest/stix-extension', ingest);
    expect(state.status).toBe(200);
    expect(state.body).toEqual({ version: first.body.version, missing: [] });
  }, 60_000);

  it('lets the demo STIX bundle ingest with only genuinely unknown or malformed objects quarantined', async () => {
    expect((await apply(admin)).body.missing).toEqual([]);
    const generated = spawnSync(process.execPath, [join(launcher.ROOT, 'tests/fixtures/generate-dataset.js'), '--out', dir, '--seed', '42', '--scale', 'small'], { encoding: 'utf8' });
    expect(generated.status).toBe(0);
    const bundle = JSON.parse(readFileSync(join(dir, 'threat-intel.stix.json'), 'utf8')) as { objects: Record<string, unknown>[] };
    const stamp = Date.now().toString(16).padStart(12, '0').slice(-12);
    bundle.objects.push(
      { type: 'x-acme-widget', spec_version: '2.1', id: `x-acme-widget--00000000-0000-4000-8000-${stamp}`, name: 'unknown to STIX 2.1' },
      { type: 'malware', spec_version: '2.1', id: `tool--00000000-0000-4000-8000-${stamp}`, name: 'id names another type', is_family: false },
    );
    const created = await upload(ingest, 'threat-intel.stix.json', Buffer.from(JSON.stringify(bundle)), { format: 'stix', source: uniqueSource('stix-demo') });
    expect(created.status).toBe(201);
    const done = await waitJob(ingest, created.body.id, 120_000);
    expect(done.status).toBe('completed');
    expectBalanced(done);
    const q = await quarantine(ingest, done.id);
    // Quarantined: the two objects added above, and the bundle's objects marked above the
    // uploader's clearance (alpha-ingest is DR; TLP:AMBER/RED map higher) — nothing for want of a type.
    const codes = q.map((r) => r.code);
    expect(codes.filter((c) => c !== 'MARKING_ABOVE_CLEARANCE').sort()).toEqual(['MALFORMED_STIX', 'UNKNOWN_STIX_TYPE']);
    const aboveClearance = codes.filter((c) => c === 'MARKING_ABOVE_CLEARANCE').length;
    expect(aboveClearance).toBeLessThan(5);
    expect(done.counts.read).toBe(bundle.objects.length);
    expect(done.counts.quarantined).toBe(2 + aboveClearance);
    expect(done.counts.written).toBe(done.counts.read - done.counts.quarantined);
    expect(done.detected?.['stixOntologyMissing']).toBeUndefined();
  }, 180_000);
});
