import { Pool, PoolClient } from 'pg';
import { generateSigningKeyPair, loadSigningKey, recordHash, signCheckpoint } from '@vigie/audit-chain';
import { adminPool, inProcessAudit, newTenant, sampleEvent, writerPool } from './audit-test.helpers';

// Tamper tests: an attacker with superuser access edits the audit tables directly (bypassing the
// append-only triggers for their session, as a superuser can); `verify` must name the first
// record (or checkpoint) that was changed.

describe('audit chain tampering, detected by verify', () => {
  const audit = inProcessAudit({ everyRecords: 5, everySeconds: 3600 });
  let admin: Pool;

  beforeAll(() => {
    admin = adminPool();
  });

  afterAll(async () => {
    await admin.end();
    await audit.store.close();
  });

  /** A fresh tenant with `n` chained records and a checkpoint every 5. */
  async function chain(n = 20): Promise<string> {
    const tenant = newTenant('tamper');
    const events = Array.from({ length: n }, (_, i) => sampleEvent(tenant, i + 1));
    for (let i = 0; i < n; i += 5) await audit.writer.appendBatch(events.slice(i, i + 5));
    const report = await audit.reader.verify(tenant, {});
    expect(report).toMatchObject({ ok: true, start: 'genesis', recordsChecked: n, coveredUpTo: n, unsignedTail: 0 });
    return tenant;
  }

  /** Runs SQL as the attacker: superuser, triggers off for this session only. */
  async function asAttacker(fn: (db: PoolClient) => Promise<unknown>): Promise<void> {
    const db = await admin.connect();
    try {
      await db.query('BEGIN');
      await db.query("SET LOCAL session_replication_role = 'replica'");
      await fn(db);
      await db.query('COMMIT');
    } finally {
      db.release();
    }
  }

  it('names an updated record (altered)', async () => {
    const tenant = await chain();
    await asAttacker((db) => db.query(`UPDATE audit.records SET event = jsonb_set(event, '{actor,sub}', '"someone-else"') WHERE tenant = $1 AND seq = 7`, [tenant]));
    const report = await audit.reader.verify(tenant, {});
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ kind: 'altered', seq: 7 });
    expect(report.lastSeq).toBe(6);
  });

  it('names a deleted record (removed)', async () => {
    const tenant = await chain();
    await asAttacker((db) => db.query('DELETE FROM audit.records WHERE tenant = $1 AND seq = 9', [tenant]));
    const report = await audit.reader.verify(tenant, {});
    expect(report.firstProblem).toMatchObject({ kind: 'removed', seq: 9 });
  });

  it('names an inserted record', async () => {
    const tenant = await chain();
    await asAttacker(async (db) => {
      const prev = await db.query<{ hash: string; recorded_at: Date }>('SELECT hash, recorded_at FROM audit.records WHERE tenant = $1 AND seq = 8', [tenant]);
      await db.query('UPDATE audit.records SET seq = seq + 1000000 WHERE tenant = $1 AND seq > 8', [tenant]);
      await db.query('UPDATE audit.records SET seq = seq - 1000000 + 1 WHERE tenant = $1 AND seq > 1000000', [tenant]);
      const forged = sampleEvent(tenant, 999, { details: { forged: true } });
      const record = { tenant, seq: 9, eventId: forged.id, recordedAt: prev.rows[0].recorded_at.toISOString(), event: forged as never, prevHash: prev.rows[0].hash };
      await db.query(
        `INSERT INTO audit.records (tenant, seq, event_id, recorded_at, event, prev_hash, hash, event_time) VALUES ($1, 9, $2, $3, $4, $5, $6, $7)`,
        [tenant, forged.id, record.recordedAt, JSON.stringify(forged), record.prevHash, recordHash(record), forged.time],
      );
    });
    const report = await audit.reader.verify(tenant, {});
    expect(report.firstProblem).toMatchObject({ kind: 'inserted', seq: 9 });
  });

  it('names two swapped records (reordered)', async () => {
    const tenant = await chain();
    await asAttacker(async (db) => {
      await db.query(
        `UPDATE audit.records r SET event_id = o.event_id || '~', event = o.event, recorded_at = o.recorded_at
           FROM audit.records o WHERE r.tenant = $1 AND o.tenant = $1 AND ((r.seq = 11 AND o.seq = 13) OR (r.seq = 13 AND o.seq = 11))`,
        [tenant],
      );
      await db.query(`UPDATE audit.records SET event_id = rtrim(event_id, '~') WHERE tenant = $1 AND seq IN (11, 13)`, [tenant]);
    });
    const report = await audit.reader.verify(tenant, {});
    expect(report.firstProblem).toMatchObject({ kind: 'reordered', seq: 11 });
  });

  it('names a truncated tail', async () => {
    const tenant = await chain();
    await asAttacker((db) => db.query('DELETE FROM audit.records WHERE tenant = $1 AND seq >= 18', [tenant]));
    const report = await audit.reader.verify(tenant, {});
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ kind: 'truncated' });
    expect(report.firstProblem?.seq).toBe(18);
  });

  it('names a checkpoint whose signature was forged', async () => {
    const tenant = await chain();
    const forged = Buffer.alloc(64, 7).toString('base64');
    await asAttacker((db) => db.query('UPDATE audit.checkpoints SET signature = $2 WHERE tenant = $1 AND seq = 10', [tenant, forged]));
    const report = await audit.reader.verify(tenant, {});
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ kind: 'bad-signature', seq: 10 });
    expect(report.checkpoints.find((c) => c.seq === 10)).toMatchObject({ keyKnown: true, signatureValid: false });
    expect(report.checkpoints.find((c) => c.seq === 5)).toMatchObject({ signatureValid: true, matchesChain: true });
  });

  it('does not trust a rewritten, re-hashed chain re-signed with the attacker\'s own key', async () => {
    const tenant = await chain();
    const attackerKey = loadSigningKey(generateSigningKeyPair().privateKeyPem);
    await asAttacker(async (db) => {
      const rows = await db.query<{ seq: string; event_id: string; recorded_at: Date; event: Record<string, unknown>; prev_hash: string }>(
        'SELECT seq, event_id, recorded_at, event, prev_hash FROM audit.records WHERE tenant = $1 AND seq >= 12 ORDER BY seq',
        [tenant],
      );
      const prev = await db.query<{ hash: string }>('SELECT hash FROM audit.records WHERE tenant = $1 AND seq = 11', [tenant]);
      let prevHash = prev.rows[0].hash;
      for (const row of rows.rows) {
        const event = Number(row.seq) === 12 ? { ...row.event, outcome: 'denied' } : row.event;
        const record = { tenant, seq: Number(row.seq), eventId: row.event_id, recordedAt: row.recorded_at.toISOString(), event: event as never, prevHash };
        const hash = recordHash(record);
        await db.query('UPDATE audit.records SET event = $3, prev_hash = $4, hash = $5 WHERE tenant = $1 AND seq = $2', [tenant, record.seq, JSON.stringify(event), prevHash, hash]);
        prevHash = hash;
        if (record.seq % 5 === 0) {
          const cp = signCheckpoint({ tenant, seq: record.seq, hash }, attackerKey);
          await db.query('UPDATE audit.checkpoints SET hash = $3, key_id = $4, signature = $5, time = $6 WHERE tenant = $1 AND seq = $2', [tenant, record.seq, hash, cp.keyId, cp.signature, cp.time]);
        }
      }
    });
    const report = await audit.reader.verify(tenant, {});
    expect(report.ok).toBe(false);
    expect(report.coveredUpTo).toBe(10);
    expect(report.checkpoints.find((c) => c.seq === 15)).toMatchObject({ keyKnown: false, signatureValid: false });
    expect(report.firstProblem?.seq).toBe(15);
  });

  it('verifies a range from the checkpoint before it, and names a problem inside it', async () => {
    const tenant = await chain();
    expect(await audit.reader.verify(tenant, { fromSeq: 12, toSeq: 18 })).toMatchObject({ ok: true, start: 'anchor', anchorSeq: 10, firstSeq: 11, lastSeq: 18 });
    await asAttacker((db) => db.query(`UPDATE audit.records SET event = jsonb_set(event, '{details,i}', '0') WHERE tenant = $1 AND seq = 16`, [tenant]));
    expect((await audit.reader.verify(tenant, { fromSeq: 12, toSeq: 18 })).firstProblem).toMatchObject({ kind: 'altered', seq: 16 });
  });
});

describe('audit tables refuse changes', () => {
  const audit = inProcessAudit();
  let writer: Pool;
  let admin: Pool;
  let tenant: string;

  beforeAll(async () => {
    writer = writerPool();
    admin = adminPool();
    tenant = newTenant('perm');
    await audit.writer.appendBatch([sampleEvent(tenant, 1), sampleEvent(tenant, 2)]);
  });

  afterAll(async () => {
    await writer.end();
    await admin.end();
    await audit.store.close();
  });

  it.each([
    ['UPDATE records', `UPDATE audit.records SET hash = prev_hash WHERE tenant = $1`],
    ['DELETE records', `DELETE FROM audit.records WHERE tenant = $1`],
    ['UPDATE checkpoints', `UPDATE audit.checkpoints SET signature = 'x' WHERE tenant = $1`],
    ['DELETE checkpoints', `DELETE FROM audit.checkpoints WHERE tenant = $1`],
  ])("the service's own role cannot %s (permission denied)", async (_what, sql) => {
    await expect(writer.query(sql, [tenant])).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
  });

  it("the service's own role cannot TRUNCATE", async () => {
    await expect(writer.query('TRUNCATE audit.records')).rejects.toMatchObject({ code: '42501' });
  });

  it('even the owner or a superuser is stopped by the trigger unless it is disabled', async () => {
    await expect(admin.query(`UPDATE audit.records SET hash = prev_hash WHERE tenant = $1`, [tenant])).rejects.toThrow(/append-only/);
    await expect(admin.query(`DELETE FROM audit.records WHERE tenant = $1`, [tenant])).rejects.toThrow(/append-only/);
    await expect(admin.query('TRUNCATE audit.checkpoints')).rejects.toThrow(/append-only/);
    expect((await audit.reader.verify(tenant, {})).ok).toBe(true);
  });

  it('the retention function refuses to remove records without a signed anchor and an archive', async () => {
    await expect(writer.query('SELECT audit.purge_archived_segment($1, 1)', [tenant])).rejects.toThrow(/no retention anchor/);
  });
});
