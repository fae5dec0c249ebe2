import { Pool, PoolClient } from 'pg';
import { AuditEvent, AuditRecordFilter, CheckpointKind } from '@vigie/audit-contracts';
import { ChainHead, ChainRecord, Checkpoint, genesisHead, JsonObject } from '@vigie/audit-chain';

export interface AuditStoreOptions {
  /** Connection URL of the writer role (INSERT + SELECT only). */
  url: string;
  /** The service's schema (`audit`). */
  schema: string;
  poolMax: number;
  applicationName?: string;
}

export interface StoredArchive {
  tenant: string;
  fromSeq: number;
  toSeq: number;
  records: number;
  location: string;
  sha256: string;
  bytes: number;
}

interface RecordRow {
  tenant: string;
  seq: string;
  event_id: string;
  recorded_at: Date;
  event: JsonObject;
  prev_hash: string;
  hash: string;
}

interface CheckpointRow {
  tenant: string;
  seq: string;
  hash: string;
  time: string;
  kind: CheckpointKind;
  key_id: string;
  signature: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;
/** Page size when streaming a chain out of the database (keyset pagination, flat memory). */
export const RECORD_PAGE = 2000;

function toRecord(row: RecordRow): ChainRecord {
  return {
    tenant: row.tenant,
    seq: Number(row.seq),
    eventId: row.event_id,
    recordedAt: row.recorded_at.toISOString(),
    event: row.event,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { tenant: row.tenant, seq: Number(row.seq), hash: row.hash, time: row.time, kind: row.kind, keyId: row.key_id, signature: row.signature };
}

/**
 * The audit log's tables, through plain `pg` (set-based SQL on the hot path, no unit of work: the
 * log is append-only and written in batches). Every method is tenant-scoped.
 */
export class AuditStore {
  readonly pool: Pool;
  private readonly s: string;

  constructor(options: AuditStoreOptions) {
    if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Audit schema "${options.schema}" is not a lowercase SQL identifier`);
    this.s = `"${options.schema}"`;
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolMax,
      application_name: options.applicationName ?? 'vigie-audit',
    });
    // A broken idle connection must not crash the service; the next query reports it.
    this.pool.on('error', () => undefined);
    // Nor a checked-out one: pg-pool listens on a client only while it is idle, and a client in use
    // when the server dies emits 'error' with no listener (the process would end). The statement in
    // flight still fails; the broken client is discarded at release.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async ping(): Promise<string> {
    const r = await this.pool.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
    return r.rows[0].version;
  }

  /** Runs `fn` in one transaction; tenants are locked inside with `tx.lockTenant`. */
  async transaction<T>(fn: (tx: AuditTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new AuditTx(client, this.s));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  head(tenant: string): Promise<ChainHead> {
    return new AuditTx(this.pool, this.s).head(tenant);
  }

  /** Lowest seq still stored (after retention), or null for an empty chain. */
  async firstSeq(tenant: string): Promise<number | null> {
    const r = await this.pool.query<{ seq: string }>(`SELECT seq FROM ${this.s}.records WHERE tenant = $1 ORDER BY seq LIMIT 1`, [tenant]);
    return r.rows[0] ? Number(r.rows[0].seq) : null;
  }

  /** Records fromSeq..toSeq in seq order, page by page (for verification and export). */
  async *records(tenant: string, fromSeq: number, toSeq: number, pageSize = RECORD_PAGE): AsyncGenerator<ChainRecord> {
    let after = fromSeq - 1;
    while (after < toSeq) {
      const r = await this.pool.query<RecordRow>(
        `SELECT tenant, seq, event_id, recorded_at, event, prev_hash, hash FROM ${this.s}.records
          WHERE tenant = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
        [tenant, after, toSeq, pageSize],
      );
      for (const row of r.rows) yield toRecord(row);
      if (r.rows.length < pageSize) return;
      after = Number(r.rows[r.rows.length - 1].seq);
    }
  }

  async recordPage(tenant: string, afterSeq: number, toSeq: number, limit: number): Promise<ChainRecord[]> {
    const r = await this.pool.query<RecordRow>(
      `SELECT tenant, seq, event_id, recorded_at, event, prev_hash, hash FROM ${this.s}.records
        WHERE tenant = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
      [tenant, afterSeq, toSeq, limit],
    );
    return r.rows.map(toRecord);
  }

  async checkpoints(tenant: string, range: { fromSeq?: number; toSeq?: number; afterSeq?: number; limit?: number } = {}): Promise<Checkpoint[]> {
    const r = await this.pool.query<CheckpointRow>(
      `SELECT tenant, seq, hash, time, kind, key_id, signature FROM ${this.s}.checkpoints
        WHERE tenant = $1 AND seq >= $2 AND seq <= $3 AND seq > $4 ORDER BY seq, kind LIMIT $5`,
      [tenant, range.fromSeq ?? 0, range.toSeq ?? Number.MAX_SAFE_INTEGER, range.afterSeq ?? -1, range.limit ?? 1_000_000],
    );
    return r.rows.map(toCheckpoint);
  }

  /**
   * Records matching `filter` (inside SQL, on the stored event — the hashed data), keyset-paged by seq.
   * `afterSeq` is the cursor: the last seq of the previous page.
   */
  async query(tenant: string, filter: AuditRecordFilter, order: 'asc' | 'desc', limit: number, afterSeq?: number): Promise<ChainRecord[]> {
    const where: string[] = ['tenant = $1'];
    const params: unknown[] = [tenant];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (afterSeq !== undefined) where.push(`seq ${order === 'asc' ? '>' : '<'} ${p(afterSeq)}`);
    if (filter.actor !== undefined) {
      where.push(`(event @> ${p(JSON.stringify({ actor: { sub: filter.actor } }))}::jsonb OR event @> ${p(JSON.stringify({ actor: { username: filter.actor } }))}::jsonb)`);
    }
    if (filter.resource !== undefined) {
      const resource = filter.resource.type === undefined ? { id: filter.resource.id } : { type: filter.resource.type, id: filter.resource.id };
      where.push(`event @> ${p(JSON.stringify({ resources: [resource] }))}::jsonb`);
    }
    if (filter.action !== undefined) {
      if (filter.action.endsWith('.*')) {
        const domain = filter.action.slice(0, -2);
        where.push(`(event->>'action' = ${p(domain)} OR starts_with(event->>'action', ${p(`${domain}.`)}))`);
      } else {
        where.push(`event @> ${p(JSON.stringify({ action: filter.action }))}::jsonb`);
      }
    }
    if (filter.from !== undefined) where.push(`event_time >= ${p(filter.from)}::timestamptz`);
    if (filter.to !== undefined) where.push(`event_time < ${p(filter.to)}::timestamptz`);
    if (filter.purposeCaseRef !== undefined) where.push(`event @> ${p(JSON.stringify({ purpose: { caseRef: filter.purposeCaseRef } }))}::jsonb`);
    if (filter.withPurpose !== undefined) where.push(filter.withPurpose ? `jsonb_typeof(event->'purpose') = 'object'` : `jsonb_typeof(event->'purpose') IS DISTINCT FROM 'object'`);
    if (filter.outcome !== undefined) where.push(`event @> ${p(JSON.stringify({ outcome: filter.outcome }))}::jsonb`);
    if (filter.traceId !== undefined) where.push(`event @> ${p(JSON.stringify({ traceId: filter.traceId }))}::jsonb`);
    const r = await this.pool.query<RecordRow>(
      `SELECT tenant, seq, event_id, recorded_at, event, prev_hash, hash FROM ${this.s}.records
        WHERE ${where.join(' AND ')} ORDER BY seq ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT ${p(limit)}`,
      params,
    );
    return r.rows.map(toRecord);
  }

  /** Seq range of the records chained in [from, to) (recordedAt), for exports by time. */
  async seqRangeByRecordedAt(tenant: string, from?: string, to?: string): Promise<{ fromSeq: number; toSeq: number } | null> {
    const r = await this.pool.query<{ lo: string | null; hi: string | null }>(
      `SELECT min(seq) AS lo, max(seq) AS hi FROM ${this.s}.records
        WHERE tenant = $1 AND recorded_at >= coalesce($2::timestamptz, '-infinity') AND recorded_at < coalesce($3::timestamptz, 'infinity')`,
      [tenant, from ?? null, to ?? null],
    );
    const row = r.rows[0];
    return row?.lo == null || row.hi == null ? null : { fromSeq: Number(row.lo), toSeq: Number(row.hi) };
  }

  /** Highest seq chained before `cutoff` (retention), or null. */
  async lastSeqRecordedBefore(tenant: string, cutoff: string): Promise<number | null> {
    const r = await this.pool.query<{ seq: string }>(
      `SELECT seq FROM ${this.s}.records WHERE tenant = $1 AND recorded_at < $2::timestamptz ORDER BY seq DESC LIMIT 1`,
      [tenant, cutoff],
    );
    return r.rows[0] ? Number(r.rows[0].seq) : null;
  }

  /** Every tenant with a chain (loose index scan over the primary key). */
  async tenants(): Promise<string[]> {
    const r = await this.pool.query<{ tenant: string }>(
      `WITH RECURSIVE t(tenant) AS (
         (SELECT tenant FROM ${this.s}.records ORDER BY tenant LIMIT 1)
         UNION ALL
         SELECT (SELECT tenant FROM ${this.s}.records WHERE tenant > t.tenant ORDER BY tenant LIMIT 1) FROM t WHERE t.tenant IS NOT NULL
       ) SELECT tenant FROM t WHERE tenant IS NOT NULL`,
    );
    return r.rows.map((row) => row.tenant);
  }

  async insertArchive(archive: StoredArchive): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.s}.archives (tenant, from_seq, to_seq, records, location, sha256, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [archive.tenant, archive.fromSeq, archive.toSeq, archive.records, archive.location, archive.sha256, archive.bytes],
    );
  }

  async insertCheckpoint(checkpoint: Checkpoint): Promise<void> {
    await new AuditTx(this.pool, this.s).insertCheckpoint(checkpoint);
  }

  /** Removes records 1..upToSeq through the SECURITY DEFINER retention function; returns how many. */
  async purgeArchivedSegment(tenant: string, upToSeq: number): Promise<number> {
    const r = await this.pool.query<{ removed: string }>(`SELECT ${this.s}.purge_archived_segment($1, $2) AS removed`, [tenant, upToSeq]);
    return Number(r.rows[0].removed);
  }
}

type Queryable = Pick<PoolClient, 'query'>;

/** Operations inside one writer transaction. */
export class AuditTx {
  constructor(
    private readonly db: Queryable,
    private readonly s: string,
  ) {}

  /** Serialises writers of one tenant's chain until the transaction ends (concurrent writers never fork it). */
  async lockTenant(tenant: string): Promise<void> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtext('vigie.audit.chain'), hashtext($1))`, [tenant]);
  }

  /** Where the next record attaches: the last record, else the retention anchor, else genesis. */
  async head(tenant: string): Promise<ChainHead> {
    const r = await this.db.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${this.s}.records WHERE tenant = $1 ORDER BY seq DESC LIMIT 1`, [tenant]);
    if (r.rows[0]) return { tenant, seq: Number(r.rows[0].seq), hash: r.rows[0].hash };
    const a = await this.db.query<{ seq: string; hash: string }>(
      `SELECT seq, hash FROM ${this.s}.checkpoints WHERE tenant = $1 AND kind = 'anchor' ORDER BY seq DESC LIMIT 1`,
      [tenant],
    );
    return a.rows[0] ? { tenant, seq: Number(a.rows[0].seq), hash: a.rows[0].hash } : genesisHead(tenant);
  }

  async knownEventIds(tenant: string, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const r = await this.db.query<{ event_id: string }>(`SELECT event_id FROM ${this.s}.records WHERE tenant = $1 AND event_id = ANY($2::text[])`, [tenant, ids]);
    return new Set(r.rows.map((row) => row.event_id));
  }

  /** One multi-row INSERT for a batch of chained records. */
  async insertRecords(records: readonly ChainRecord[]): Promise<void> {
    if (!records.length) return;
    await this.db.query(
      `INSERT INTO ${this.s}.records (tenant, seq, event_id, recorded_at, event, prev_hash, hash, event_time)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::text[], $7::text[], $8::timestamptz[])`,
      [
        records.map((r) => r.tenant),
        records.map((r) => r.seq),
        records.map((r) => r.eventId),
        records.map((r) => r.recordedAt),
        records.map((r) => JSON.stringify(r.event)),
        records.map((r) => r.prevHash),
        records.map((r) => r.hash),
        records.map((r) => (r.event as unknown as Pick<AuditEvent, 'time'>).time),
      ],
    );
  }

  async lastCheckpoint(tenant: string): Promise<{ seq: number; time: string } | null> {
    const r = await this.db.query<{ seq: string; time: string }>(`SELECT seq, time FROM ${this.s}.checkpoints WHERE tenant = $1 ORDER BY seq DESC LIMIT 1`, [tenant]);
    return r.rows[0] ? { seq: Number(r.rows[0].seq), time: r.rows[0].time } : null;
  }

  async insertCheckpoint(c: Checkpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.s}.checkpoints (tenant, seq, hash, time, kind, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant, seq, kind) DO NOTHING`,
      [c.tenant, c.seq, c.hash, c.time, c.kind, c.keyId, c.signature],
    );
  }
}
