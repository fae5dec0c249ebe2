import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsConnection } from 'nats';
import { launcher } from '@vigie/shared-testing';
import { connectSetup, expectBalanced, login, PEOPLE_MAPPING, processedEvents, quarantine, uniqueSource, upload, waitJob } from './ingestion-test.helpers';

/**
 * Regression of the scenario finding (#9 → #5): two records of one batch naming the same key with
 * different content (two companies at one address, with different coordinates) made the ontology
 * refuse the first as DUPLICATE_SOURCE_KEY: one valid record counted quarantined. Ingestion now
 * starts a new batch before such a record, so the later record is the object's next version.
 * Invariant: read = written + quarantined, and every quarantined record has its line, raw text and reason.
 */
let token: string;
let nc: NatsConnection;

beforeAll(async () => {
  token = await login('alpha-ingest');
  nc = await connectSetup();
});

afterAll(async () => {
  await nc?.drain();
});

const ndjson = (rows: object[]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

describe('a key repeated with different content within one batch', () => {
  it('writes both records (the later as the next version), none quarantined', async () => {
    const since = new Date(Date.now() - 1000);
    const source = uniqueSource('repeat-key');
    // Rows 1 and 3 name person:1 differently; the phone repeats identically (rows 1 and 2).
    const data = ndjson([
      { id: 1, first_name: 'Anne', last_name: 'Martin', phone: '+33612349001' },
      { id: 2, first_name: 'Paul', last_name: 'Martin', phone: '+33612349001' },
      { id: 1, first_name: 'Anne-Marie', last_name: 'Martin', phone: '+33612349003' },
      { id: 4, first_name: 'Eve', last_name: 'Durand', phone: '+33612349004' },
    ]);
    const created = await upload(token, 'repeat.ndjson', data, { format: 'ndjson', source, mapping: PEOPLE_MAPPING });
    expect(created.status).toBe(201);
    const job = await waitJob(token, created.body.id);
    expect({ status: job.status, counts: job.counts }).toEqual({ status: 'completed', counts: { read: 4, valid: 4, quarantined: 0, written: 4, merged: job.counts.merged } });
    expectBalanced(job);
    expect(await quarantine(token, job.id)).toEqual([]);
    const events = await processedEvents(nc, job.id, since);
    expect(events.flatMap((e) => e.rejected)).toEqual([]);
    // person:1 was created by row 1 and updated by row 3 (a batch of its own from there).
    const objects = events.reduce((n, e) => ({ created: n.created + e.objects.created, updated: n.updated + e.objects.updated }), { created: 0, updated: 0 });
    expect(objects).toEqual({ created: 3 + 3, updated: 1 });
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it('the scenario registry (seed 2002: two companies at one address) counts exactly as its manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-ing-2002-'));
    try {
      execFileSync(process.execPath, [join(launcher.ROOT, 'tests/fixtures/generate-dataset.js'), '--out', dir, '--seed', '2002'], { stdio: 'pipe' });
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
        files: { registry: { file: string; mapping: string; items: number; valid: number; rejected: { line: number; code: string }[] } };
      };
      const m = manifest.files.registry;
      const created = await upload(token, m.file, readFileSync(join(dir, m.file)), {
        format: 'ndjson',
        source: uniqueSource('registry-2002'),
        mapping: readFileSync(join(dir, m.mapping), 'utf8'),
        markings: JSON.stringify({ level: 'NP', compartments: [] }),
      });
      expect(created.status).toBe(201);
      const job = await waitJob(token, created.body.id);
      expect({ status: job.status, read: job.counts.read, valid: job.counts.valid, quarantined: job.counts.quarantined, written: job.counts.written }).toEqual({
        status: 'completed',
        read: m.items,
        valid: m.valid,
        quarantined: m.rejected.length,
        written: m.valid,
      });
      const q = await quarantine(token, job.id);
      expect(q.map((r) => `${r.line}:${r.code}`).sort()).toEqual(m.rejected.map((r) => `${r.line}:${r.code}`).sort());
      for (const r of q) expect({ line: r.line, raw: r.raw.length > 0, reason: r.reason.length > 0 }).toEqual({ line: r.line, raw: true, reason: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
