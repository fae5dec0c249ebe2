import { createReadStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { AuditExceptionCode } from '@vigie/audit-contracts';
import { createRetentionAnchor, verifyExport } from '@vigie/audit-chain';
import { AuditRetention } from '@vigie/audit-feature';
import { adminPool, countRecords, inProcessAudit, newTenant, sampleEvent, writerPool } from './audit-test.helpers';

// Retention: old segments are archived (export with checkpoints + a signed anchor), read back
// and verified, and only then removed — the rest of the chain still verifies from the anchor.

describe('audit retention', () => {
  const audit = inProcessAudit({ everyRecords: 5, everySeconds: 3600 });
  const dir = mkdtempSync(join(tmpdir(), 'vigie-audit-archive-'));
  const retention = new AuditRetention(audit.store, audit.reader, audit.keys, { retentionDays: 30, archiveDir: dir });
  const trusted = audit.keys.signing.publicKeyPem;
  let db: Pool;
  let admin: Pool;

  const at = (iso: string) => () => new Date(iso);

  async function chainAt(tenant: string, from: number, n: number, time: string): Promise<void> {
    await audit.writer.appendBatch(Array.from({ length: n }, (_, i) => sampleEvent(tenant, from + i)), at(time));
  }

  beforeAll(() => {
    db = writerPool();
    admin = adminPool();
  });

  afterAll(async () => {
    await db.end();
    await admin.end();
    await audit.store.close();
  });

  it('archives and removes the records past retention; the rest verifies from the signed anchor', async () => {
    const tenant = newTenant('ret');
    for (let i = 0; i < 20; i += 5) await chainAt(tenant, i + 1, 5, '2026-01-01T00:00:00Z');
    for (let i = 20; i < 30; i += 5) await chainAt(tenant, i + 1, 5, '2026-06-01T00:00:00Z');

    const segment = await retention.archiveTenant(tenant, '2026-03-01T00:00:00.000Z');
    expect(segment).toMatchObject({ tenant, fromSeq: 1, toSeq: 20, records: 20, removed: 20 });
    expect(existsSync(segment!.file)).toBe(true);
    expect(createHash('sha256').update(readFileSync(segment!.file)).digest('hex')).toBe(segment!.sha256);

    const archived = await verifyExport(createReadStream(segment!.file), trusted);
    expect(archived).toMatchObject({ ok: true, firstSeq: 1, lastSeq: 20, coveredUpTo: 20 });
    expect(archived.checkpoints.find((c) => c.kind === 'anchor')).toMatchObject({ seq: 20, signatureValid: true, matchesChain: true });

    expect(await countRecords(db, tenant)).toBe(10);
    expect(await audit.reader.verify(tenant, {})).toMatchObject({ ok: true, start: 'anchor', anchorSeq: 20, firstSeq: 21, lastSeq: 30 });

    await chainAt(tenant, 31, 3, '2026-06-02T00:00:00Z');
    expect(await audit.reader.verify(tenant, {})).toMatchObject({ ok: true, firstSeq: 21, lastSeq: 33 });
    // An export of removed records is refused with the reason.
    await expect(audit.reader.exportRange(tenant, { fromSeq: 5 })).rejects.toMatchObject({ code: AuditExceptionCode.RangeNotFound });
  });

  it('keeps the chain going after every record was archived (the head is the anchor)', async () => {
    const tenant = newTenant('ret');
    await chainAt(tenant, 1, 6, '2026-01-01T00:00:00Z');
    expect(await retention.archiveTenant(tenant, '2026-02-01T00:00:00.000Z')).toMatchObject({ toSeq: 6, removed: 6 });
    expect(await countRecords(db, tenant)).toBe(0);
    await chainAt(tenant, 7, 2, '2026-06-01T00:00:00Z');
    const seqs = await db.query<{ seq: string }>('SELECT seq FROM audit.records WHERE tenant = $1 ORDER BY seq', [tenant]);
    expect(seqs.rows.map((r) => Number(r.seq))).toEqual([7, 8]);
    expect(await audit.reader.verify(tenant, {})).toMatchObject({ ok: true, start: 'anchor', anchorSeq: 6 });
  });

  it('refuses to archive a chain that does not verify, and removes nothing', async () => {
    const tenant = newTenant('ret');
    await chainAt(tenant, 1, 10, '2026-01-01T00:00:00Z');
    const c = await admin.connect();
    try {
      await c.query('BEGIN');
      await c.query("SET LOCAL session_replication_role = 'replica'");
      await c.query(`UPDATE audit.records SET event = jsonb_set(event, '{outcome}', '"denied"') WHERE tenant = $1 AND seq = 4`, [tenant]);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    await expect(retention.archiveTenant(tenant, '2026-02-01T00:00:00.000Z')).rejects.toMatchObject({
      code: AuditExceptionCode.RetentionRefused,
      message: expect.stringMatching(/altered at seq 4/),
    });
    expect(await countRecords(db, tenant)).toBe(10);
  });

  it('the database refuses a removal whose segment was not archived, even with an anchor', async () => {
    const tenant = newTenant('ret');
    await chainAt(tenant, 1, 5, '2026-01-01T00:00:00Z');
    const head = await audit.store.head(tenant);
    await audit.store.insertCheckpoint(createRetentionAnchor(head, audit.keys.signing));
    await expect(audit.store.purgeArchivedSegment(tenant, 5)).rejects.toThrow(/were not archived/);
    expect(await countRecords(db, tenant)).toBe(5);
  });
});
