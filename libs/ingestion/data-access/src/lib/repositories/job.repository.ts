import { IngestionFormat, Job, JobPosition, JobStatus, ParseOptionsInput, QuarantinedRecord } from '@vigie/ingestion-contracts';
import { ClassificationLevel, Marking } from '@vigie/ontology-contracts';
import { markingsFilter, PolicySubject } from '@vigie/shared-policy';
import { Sql } from './ingestion-database';

/** A job as the service sees it (with what the runner needs: object, mapping, clearance, resume point). */
export interface JobRecord {
  id: string;
  tenant: string;
  source: string;
  fileName: string;
  objectName: string;
  objectSize: number;
  sha256: string;
  format: IngestionFormat;
  status: JobStatus;
  mapping: string | null;
  mappingId: string | null;
  markings: Marking;
  /** The uploader's clearance when the job was created (STIX objects marked above it are quarantined). */
  clearance: { level: ClassificationLevel; compartments: string[] };
  options: ParseOptionsInput;
  detected: Record<string, unknown>;
  counts: { read: number; valid: number; parseQuarantined: number; ontologyQuarantined: number; written: number; merged: number };
  position: JobPosition | null;
  nextSeq: number;
  readerDone: boolean;
  error: { code: string; message: string } | null;
  owner: string | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface NewJob {
  id: string;
  tenant: string;
  source: string;
  fileName: string;
  objectName: string;
  objectSize: number;
  sha256: string;
  format: IngestionFormat;
  mapping: string | null;
  /** The stored mapping `mapping` was taken from, if any. */
  mappingId?: string | null;
  markings: Marking;
  clearance: { level: ClassificationLevel; compartments: string[] };
  options: ParseOptionsInput;
  detected: Record<string, unknown>;
  createdBy: string;
  createdByName?: string;
  /** The request's key (an upload session's id): unique per tenant. */
  requestKey?: string;
}

/** A record to quarantine, as found by the reader or the mapping. */
export interface QuarantineEntry {
  index: number;
  line: number;
  offset: number;
  stage: 'parse' | 'map' | 'ontology';
  code: string;
  reason: string;
  raw: string;
}

/** What the runner commits after an acknowledged batch (or after many rejected records). */
export interface Checkpoint {
  /** The last item (record or rejected) covered; a resumed job starts after it. */
  position: JobPosition | null;
  /** Seq of the next batch (a resumed job continues with it). */
  nextSeq: number;
  /** Seq of the acknowledged batch this checkpoint follows, if any. */
  ackedSeq: number | null;
  read: number;
  valid: number;
  parseQuarantined: number;
  quarantine: QuarantineEntry[];
  readerDone: boolean;
  detected?: Record<string, unknown>;
}

/** The ontology's outcome of one batch (`ontology.v1.events.batch.processed`). */
export interface ProcessedBatch {
  jobId: string;
  seq: number;
  merged: number;
  /** Refused records, one entry per record (reasons joined). */
  rejected: QuarantineEntry[];
}

export type ProcessedOutcome = 'applied' | 'duplicate' | 'unknown-job' | 'unknown-batch';

/** Text PostgreSQL can store: no NUL character (a binary file's bytes end up in quarantined raw text). */
export function storableText(value: string, limit: number): string {
  const cut = value.length > limit ? `${value.slice(0, limit)}…` : value;
  return cut.includes('\u0000') ? cut.split('\u0000').join('\uFFFD') : cut;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const JOB_COLUMNS = `id, tenant, source, file_name, object_name, object_size, sha256, format, status, mapping, mapping_id, level, compartments,
  clearance, options, detected, read_count, valid_count, parse_quarantined, ontology_quarantined, written_count, merged_count,
  position, next_seq, reader_done, error, owner, created_by, created_by_name,
  ${iso('created_at')} AS created_at, ${iso('started_at')} AS started_at, ${iso('finished_at')} AS finished_at`;

interface JobRow {
  id: string;
  tenant: string;
  source: string;
  file_name: string;
  object_name: string;
  object_size: string;
  sha256: string;
  format: IngestionFormat;
  status: JobStatus;
  mapping: string | null;
  mapping_id: string | null;
  level: ClassificationLevel;
  compartments: string[] | string;
  clearance: { level: ClassificationLevel; compartments: string[] };
  options: ParseOptionsInput;
  detected: Record<string, unknown>;
  read_count: string;
  valid_count: string;
  parse_quarantined: string;
  ontology_quarantined: string;
  written_count: string;
  merged_count: string;
  position: JobPosition | null;
  next_seq: number;
  reader_done: boolean;
  error: { code: string; message: string } | null;
  owner: string | null;
  created_by: string;
  created_by_name: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** `text[]` arrives as an array from pg, or as its literal through some drivers. */
function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((s) => s.replace(/^"|"$/g, ''));
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    source: row.source,
    fileName: row.file_name,
    objectName: row.object_name,
    objectSize: Number(row.object_size),
    sha256: row.sha256,
    format: row.format,
    status: row.status,
    mapping: row.mapping,
    mappingId: row.mapping_id,
    markings: { level: row.level, compartments: textArray(row.compartments) },
    clearance: row.clearance,
    options: row.options ?? {},
    detected: row.detected ?? {},
    counts: {
      read: Number(row.read_count),
      valid: Number(row.valid_count),
      parseQuarantined: Number(row.parse_quarantined),
      ontologyQuarantined: Number(row.ontology_quarantined),
      written: Number(row.written_count),
      merged: Number(row.merged_count),
    },
    position: row.position,
    nextSeq: row.next_seq,
    readerDone: row.reader_done,
    error: row.error,
    owner: row.owner,
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** The contract's view of a job. */
export function toJobView(job: JobRecord): Job {
  return {
    id: job.id,
    source: job.source,
    fileName: job.fileName,
    format: job.format,
    status: job.status,
    markings: job.markings,
    mappingId: job.mappingId,
    counts: {
      read: job.counts.read,
      valid: job.counts.valid,
      quarantined: job.counts.parseQuarantined + job.counts.ontologyQuarantined,
      written: job.counts.written,
      merged: job.counts.merged,
    },
    detected: { ...job.detected, bytesTotal: job.objectSize, sha256: job.sha256 },
    position: job.position,
    error: job.error,
    createdBy: job.createdByName ?? job.createdBy,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

function visibleTo(actor: PolicySubject, alias = 'job') {
  return markingsFilter(actor, { tenant: `${alias}.tenant`, level: `${alias}.level`, compartments: `${alias}.compartments` });
}

const QUARANTINE_RECORDSET = `jsonb_to_recordset(?::jsonb) AS x(i bigint, l bigint, o bigint, s text, c text, r text, w text)`;

function quarantineJson(entries: readonly QuarantineEntry[]): string {
  return JSON.stringify(
    entries.map((e) => ({ i: e.index, l: e.line, o: e.offset, s: e.stage, c: e.code, r: storableText(e.reason, 4000), w: storableText(e.raw, 16 * 1024) })),
  );
}

/** Thrown when a runner's checkpoint finds the job no longer its own (cancelled, failed, or claimed by another replica). */
export class JobNotOwnedError extends Error {}

/** The SQL of jobs, their batches and their quarantined records. Every read for a caller is filtered by tenant and markings inside the query. */
export class JobRepository {
  /** Inserts the job; with a `requestKey` already used in the tenant, inserts nothing and returns undefined. */
  async insert(sql: Sql, job: NewJob): Promise<JobRecord | undefined> {
    const rows = await sql.query<JobRow>(
      `INSERT INTO job (id, tenant, source, file_name, object_name, object_size, sha256, format, status, mapping, mapping_id, level, compartments, clearance, options, detected, created_by, created_by_name, request_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?)
       ON CONFLICT (tenant, request_key) WHERE request_key IS NOT NULL DO NOTHING
       RETURNING ${JOB_COLUMNS}`,
      [
        job.id,
        job.tenant,
        job.source,
        job.fileName,
        job.objectName,
        job.objectSize,
        job.sha256,
        job.format,
        job.mapping,
        job.mappingId ?? null,
        job.markings.level,
        JSON.stringify(job.markings.compartments),
        JSON.stringify(job.clearance),
        JSON.stringify(job.options),
        JSON.stringify(job.detected),
        job.createdBy,
        job.createdByName ?? null,
        job.requestKey ?? null,
      ],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The tenant's job created under `requestKey`, unfiltered (the creator asks again: see `JobsService.create`). */
  async byRequestKey(sql: Sql, tenant: string, requestKey: string): Promise<JobRecord | undefined> {
    const rows = await sql.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM job WHERE tenant = ? AND request_key = ?`, [tenant, requestKey]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** A job by id, unfiltered (the service's own work). */
  async byId(sql: Sql, id: string): Promise<JobRecord | undefined> {
    const rows = await sql.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM job WHERE id = ?`, [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** A job the actor may see: same tenant, markings within the clearance. */
  async visible(sql: Sql, actor: PolicySubject, id: string): Promise<JobRecord | undefined> {
    const f = visibleTo(actor);
    const rows = await sql.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM job WHERE id = ? AND ${f.sql}`, [id, ...f.params]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(
    sql: Sql,
    actor: PolicySubject,
    query: { status?: JobStatus; source?: string; after?: { createdAt: string; id: string }; limit: number },
  ): Promise<JobRecord[]> {
    const f = visibleTo(actor);
    const where = [f.sql];
    const params: unknown[] = [...f.params];
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.source) {
      where.push('source = ?');
      params.push(query.source);
    }
    if (query.after) {
      where.push('(created_at, id) < (?::timestamptz, ?::uuid)');
      params.push(query.after.createdAt, query.after.id);
    }
    params.push(query.limit);
    const rows = await sql.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM job WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`, params);
    return rows.map(toRecord);
  }

  /**
   * Takes up to `limit` jobs to run: pending ones, and running ones whose owner stopped beating
   * (a crashed or killed replica). `FOR UPDATE SKIP LOCKED`: two replicas never take the same job.
   * Jobs of tenants with no job running come first (one tenant's uploads do not hold another's
   * back), then the oldest. `maxBytes` takes only files up to that size (the small-job lane).
   */
  async claim(sql: Sql, owner: string, staleAfterMs: number, limit: number, maxBytes?: number): Promise<JobRecord[]> {
    if (limit <= 0) return [];
    const rows = await sql.query<JobRow>(
      `UPDATE job SET owner = ?, heartbeat_at = now(), status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
       WHERE id IN (
         SELECT c.id FROM job c
         WHERE c.status IN ('pending', 'running') AND (c.owner IS NULL OR c.heartbeat_at IS NULL OR c.heartbeat_at < now() - make_interval(secs => ?))
           AND (?::bigint IS NULL OR c.object_size <= ?::bigint)
         ORDER BY EXISTS (SELECT 1 FROM job r WHERE r.tenant = c.tenant AND r.status = 'running' AND r.id <> c.id AND r.owner IS NOT NULL), c.created_at
         LIMIT ?
         FOR UPDATE OF c SKIP LOCKED)
       RETURNING ${JOB_COLUMNS}`,
      [owner, staleAfterMs / 1000, maxBytes ?? null, maxBytes ?? null, limit],
    );
    return rows.map(toRecord);
  }

  /** Renews the lease of the jobs this runner holds; returns those still its own and running. */
  async heartbeat(sql: Sql, owner: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await sql.query<{ id: string }>(
      `UPDATE job SET heartbeat_at = now() WHERE owner = ? AND status = 'running' AND id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) RETURNING id`,
      [owner, JSON.stringify(ids)],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Records a batch before it is published (idempotent: a resumed job re-plans the same seq). */
  async planBatch(sql: Sql, jobId: string, batch: { seq: number; firstIndex: number; records: number; last: boolean }): Promise<void> {
    await sql.query(
      `INSERT INTO job_batch (job_id, seq, first_index, records, last) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_id, seq) DO NOTHING`,
      [jobId, batch.seq, batch.firstIndex, batch.records, batch.last],
    );
  }

  /** Commits a checkpoint (call inside a transaction). Throws {@link JobNotOwnedError} if the job is no longer this runner's. */
  async commitCheckpoint(sql: Sql, jobId: string, owner: string, cp: Checkpoint): Promise<void> {
    const rows = await sql.query<{ id: string }>(
      `UPDATE job SET position = ?::jsonb, next_seq = ?, read_count = ?, valid_count = ?, parse_quarantined = ?, reader_done = ?,
         detected = detected || ?::jsonb, heartbeat_at = now(), updated_at = now()
       WHERE id = ? AND owner = ? AND status = 'running' RETURNING id`,
      [cp.position ? JSON.stringify(cp.position) : null, cp.nextSeq, cp.read, cp.valid, cp.parseQuarantined, cp.readerDone, JSON.stringify(cp.detected ?? {}), jobId, owner],
    );
    if (rows.length === 0) throw new JobNotOwnedError(`job ${jobId} is no longer running under ${owner}`);
    if (cp.quarantine.length > 0) {
      await sql.query(
        `INSERT INTO quarantined_record (job_id, record_index, line, byte_offset, stage, code, reason, raw)
         SELECT ?::uuid, x.i, x.l, x.o, x.s, x.c, x.r, x.w FROM ${QUARANTINE_RECORDSET}
         ON CONFLICT (job_id, record_index) DO NOTHING`,
        [jobId, quarantineJson(cp.quarantine)],
      );
    }
    if (cp.ackedSeq !== null) {
      await sql.query(`UPDATE job_batch SET acked_at = coalesce(acked_at, now()) WHERE job_id = ? AND seq = ?`, [jobId, cp.ackedSeq]);
    }
  }

  /** Batches published but not yet written by the ontology (for back-pressure and completion). */
  async unprocessedBatches(sql: Sql, jobId: string): Promise<number> {
    const rows = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM job_batch WHERE job_id = ? AND processed_at IS NULL`, [jobId]);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Applies the ontology's outcome of one batch, once (call inside a transaction): records it
   * refused are quarantined (one row per record), the rest of the batch's records count as
   * written, merges are added. A redelivered event changes nothing.
   */
  async applyProcessed(sql: Sql, event: ProcessedBatch): Promise<ProcessedOutcome> {
    const batches = await sql.query<{ records: number; first_index: string; processed_at: unknown }>(
      `SELECT records, first_index, processed_at FROM job_batch WHERE job_id = ? AND seq = ? FOR UPDATE`,
      [event.jobId, event.seq],
    );
    if (batches.length === 0) {
      const jobs = await sql.query(`SELECT 1 FROM job WHERE id = ?`, [event.jobId]);
      return jobs.length === 0 ? 'unknown-job' : 'unknown-batch';
    }
    if (batches[0].processed_at !== null) return 'duplicate';
    let quarantined = 0;
    // A refusal that names no record (index -1) is put on the batch's first record.
    const firstIndex = Math.max(0, Number(batches[0].first_index));
    const rejected = event.rejected.map((r) => (r.index < 0 ? { ...r, index: firstIndex } : r));
    if (rejected.length > 0) {
      const inserted = await sql.query<{ record_index: string }>(
        `INSERT INTO quarantined_record (job_id, record_index, line, byte_offset, stage, code, reason, raw)
         SELECT ?::uuid, x.i, x.l, x.o, x.s, x.c, x.r, x.w FROM ${QUARANTINE_RECORDSET}
         ON CONFLICT (job_id, record_index) DO NOTHING RETURNING record_index`,
        [event.jobId, quarantineJson(rejected)],
      );
      quarantined = inserted.length;
    }
    const records = Number(batches[0].records);
    await sql.query(`UPDATE job_batch SET processed_at = now(), merged = ?, rejected_records = ? WHERE job_id = ? AND seq = ?`, [event.merged, quarantined, event.jobId, event.seq]);
    await sql.query(
      `UPDATE job SET written_count = written_count + ?, ontology_quarantined = ontology_quarantined + ?, merged_count = merged_count + ?, updated_at = now() WHERE id = ?`,
      [Math.max(0, records - quarantined), quarantined, event.merged, event.jobId],
    );
    return 'applied';
  }

  /** Completes a running job once its file is read and every batch was written by the ontology. */
  async tryComplete(sql: Sql, jobId: string): Promise<boolean> {
    const rows = await sql.query<{ id: string }>(
      `UPDATE job SET status = 'completed', finished_at = now(), owner = NULL, updated_at = now()
       WHERE id = ? AND status = 'running' AND reader_done
         AND NOT EXISTS (SELECT 1 FROM job_batch b WHERE b.job_id = job.id AND b.processed_at IS NULL)
       RETURNING id`,
      [jobId],
    );
    return rows.length > 0;
  }

  async fail(sql: Sql, jobId: string, error: { code: string; message: string }): Promise<boolean> {
    const rows = await sql.query<{ id: string }>(
      `UPDATE job SET status = 'failed', error = ?::jsonb, finished_at = now(), owner = NULL, updated_at = now() WHERE id = ? AND status IN ('pending', 'running') RETURNING id`,
      [JSON.stringify({ code: error.code, message: storableText(error.message, 2000) }), jobId],
    );
    return rows.length > 0;
  }

  /** Cancels a job the actor may see; returns it, or undefined when not found / not cancellable. */
  async cancel(sql: Sql, actor: PolicySubject, id: string): Promise<{ job?: JobRecord; cancelled: boolean }> {
    const f = visibleTo(actor);
    const rows = await sql.query<JobRow>(
      `UPDATE job SET status = 'cancelled', finished_at = now(), owner = NULL, updated_at = now()
       WHERE id = ? AND status IN ('pending', 'running') AND ${f.sql} RETURNING ${JOB_COLUMNS}`,
      [id, ...f.params],
    );
    if (rows[0]) return { job: toRecord(rows[0]), cancelled: true };
    const job = await this.visible(sql, actor, id);
    return { job, cancelled: false };
  }

  async quarantine(sql: Sql, jobId: string, query: { code?: string; afterIndex?: number; limit: number }): Promise<QuarantinedRecord[]> {
    const where = ['job_id = ?'];
    const params: unknown[] = [jobId];
    if (query.code) {
      where.push('code = ?');
      params.push(query.code);
    }
    if (query.afterIndex !== undefined) {
      where.push('record_index > ?');
      params.push(query.afterIndex);
    }
    params.push(query.limit);
    const rows = await sql.query<{ record_index: string; line: string; byte_offset: string; code: string; reason: string; raw: string; at: string }>(
      `SELECT record_index, line, byte_offset, code, reason, raw, ${iso('at')} AS at FROM quarantined_record WHERE ${where.join(' AND ')} ORDER BY record_index LIMIT ?`,
      params,
    );
    return rows.map((r) => ({
      jobId,
      index: Number(r.record_index),
      line: Number(r.line),
      offset: Number(r.byte_offset),
      code: r.code,
      reason: r.reason,
      raw: r.raw,
      at: r.at,
    }));
  }
}
