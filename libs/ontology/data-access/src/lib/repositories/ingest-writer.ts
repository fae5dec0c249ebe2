import { Actor, historyActor, PropertyEntry, Provenance, Purpose } from '@vigie/ontology-contracts';
import { pgArray, Sql } from '../sql/ontology-database';
import { LinkRow, ObjectRow } from './row.types';

/** An object record of a batch, validated and normalised, ready to be written. */
export interface ObjectRecordToWrite {
  /** Id used if the record is new (an existing row keeps its id). */
  id: string;
  type: string;
  sourceKey: string;
  levelRank: number;
  compartments: string[];
  properties: Record<string, PropertyEntry>;
  provenance: Provenance;
  contentHash: string;
  /** Properties whose value or marking differ from the stored version (empty for a new record). */
  changed: string[];
}

export interface LinkRecordToWrite extends Omit<ObjectRecordToWrite, 'type'> {
  type: string;
  fromId: string;
  toId: string;
  directed: boolean;
  validFrom: string | null;
  validTo: string | null;
}

/** What is stored for a source key, to tell new, changed and unchanged records apart before writing. */
export interface StoredRecordState {
  id: string;
  type: string;
  source_key: string;
  content_hash: string;
  level_rank: number;
  compartments: string[];
  /** Only where the stored content hash differs from the record's (null when equal: unchanged). */
  properties: Record<string, PropertyEntry> | null;
  deleted_at: Date | null;
}

export interface EndObject {
  id: string;
  type: string;
  source: string;
  source_key: string;
  deleted_at: Date | null;
}

/**
 * What an upsert reads back of each row it wrote: the columns PostgreSQL decided (id kept on
 * update, version, entity, timestamps as epoch milliseconds — a Date keeps milliseconds, as the
 * text form was truncated to). Every other column is what the statement was given, which Node
 * still holds: it builds the rows from its records instead of parsing property maps it just sent.
 */
const writtenColumns = (entity: 'up.entity_id' | 'NULL::uuid') => `up.id, up.source_key, up.version, ${entity} AS entity_id,
  floor(extract(epoch FROM up.created_at) * 1000)::float8 AS created_ms,
  floor(extract(epoch FROM up.updated_at) * 1000)::float8 AS updated_ms,
  floor(extract(epoch FROM up.deleted_at) * 1000)::float8 AS deleted_ms`;

interface WrittenColumns {
  id: string;
  source_key: string;
  version: number;
  entity_id: string | null;
  created_ms: number;
  updated_ms: number;
  deleted_ms: number | null;
}

function recordOf<R>(bySourceKey: Map<string, R>, w: WrittenColumns): R {
  const r = bySourceKey.get(w.source_key);
  if (!r) throw new Error(`upsert returned source key ${w.source_key}, which was not written`);
  return r;
}

function timestampsOf(w: WrittenColumns): { created_at: Date; updated_at: Date; deleted_at: Date | null } {
  return { created_at: new Date(w.created_ms), updated_at: new Date(w.updated_ms), deleted_at: w.deleted_ms === null ? null : new Date(w.deleted_ms) };
}

const MARKINGS_JSON = (alias: string) => `jsonb_build_object('level', (ARRAY['NP','DR','S','TS'])[${alias}.level_rank + 1], 'compartments', to_jsonb(${alias}.compartments))`;

/**
 * The INGEST hot path. It bypasses MikroORM's unit of work on purpose: a batch is written with a
 * few set-based statements, whatever its size —
 *  1. one SELECT of what is stored for the batch's source keys (to skip unchanged records and name changed properties;
 *     property maps only of the records whose content hash differs);
 *  2. one `INSERT … SELECT FROM jsonb_to_recordset(…) ON CONFLICT (tenant, source, source_key) DO UPDATE … WHERE content changed`
 *     whose RETURNING rows feed, in the same statement, the multi-row INSERT of their history rows;
 *     only the columns PostgreSQL decides come back (`writtenColumns`), the rest is the records'.
 * Redelivered or re-ingested records hit the conflict arm with an equal content hash: no update, no version.
 */
export class IngestWriter {
  /**
   * What is stored for these records' source keys. `properties` are read only where the stored
   * content hash differs from the record's (they name the changed properties of an update): an
   * unchanged record costs its probe, not its property map.
   */
  storedObjects(sql: Sql, tenant: string, source: string, records: readonly { sourceKey: string; contentHash: string }[]): Promise<Map<string, StoredRecordState>> {
    return this.storedRecords(sql, 'object', tenant, source, records);
  }

  storedLinks(sql: Sql, tenant: string, source: string, records: readonly { sourceKey: string; contentHash: string }[]): Promise<Map<string, StoredRecordState>> {
    return this.storedRecords(sql, 'link', tenant, source, records);
  }

  private async storedRecords(sql: Sql, table: 'object' | 'link', tenant: string, source: string, records: readonly { sourceKey: string; contentHash: string }[]): Promise<Map<string, StoredRecordState>> {
    if (!records.length) return new Map();
    const rows = await sql.query<StoredRecordState>(
      // A unique-index probe per key (see endObjects): with the tenant a constant, a tenant whose
      // statistics lag behind its growth (a large import) got a scan of all its rows per batch.
      `SELECT s.* FROM (SELECT DISTINCT ON (k) k, h FROM unnest(?::text[], ?::text[]) AS keys(k, h)) keys
       CROSS JOIN LATERAL (
         SELECT id, type, source_key, content_hash, level_rank, compartments,
                CASE WHEN content_hash IS DISTINCT FROM keys.h THEN properties END AS properties, deleted_at
         FROM ${table}
         WHERE tenant = (SELECT ?::text) AND source = (SELECT ?::text) AND source_key = keys.k
         OFFSET 0
       ) s`,
      [pgArray(records.map((r) => r.sourceKey)), pgArray(records.map((r) => r.contentHash)), tenant, source],
    );
    return new Map(rows.map((r) => [r.source_key, r]));
  }

  /** The objects named by (source, sourceKey), for link ends. */
  async endObjects(sql: Sql, tenant: string, refs: { source: string; sourceKey: string }[]): Promise<Map<string, EndObject>> {
    if (!refs.length) return new Map();
    const rows = await sql.query<EndObject>(
      // One unique-index probe per distinct reference (LATERAL with the full key, the tenant a parameter
      // of the probe): never a scan of the tenant's objects, whatever the tenant's statistics say.
      `SELECT o.id, o.type, o.source, o.source_key, o.deleted_at
       FROM (SELECT DISTINCT tenant, source, source_key FROM jsonb_to_recordset(?::jsonb) AS r(tenant text, source text, source_key text)) r
       CROSS JOIN LATERAL (
         SELECT x.id, x.type, x.source, x.source_key, x.deleted_at FROM object x WHERE x.tenant = r.tenant AND x.source = r.source AND x.source_key = r.source_key
         OFFSET 0
       ) o`,
      [JSON.stringify(refs.map((r) => ({ tenant, source: r.source, source_key: r.sourceKey })))],
    );
    return new Map(rows.map((r) => [endKey(r.source, r.source_key), r]));
  }

  /** Upserts object records and appends their history rows: ONE statement for the whole batch. Returns the rows written. */
  async upsertObjects(sql: Sql, tenant: string, source: string, records: ObjectRecordToWrite[], actor: Actor, purpose: Purpose | undefined): Promise<ObjectRow[]> {
    if (!records.length) return [];
    const written = await sql.query<WrittenColumns>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset(?::jsonb)
           AS r(id uuid, type text, source_key text, level_rank smallint, compartments text[], properties jsonb, provenance jsonb, content_hash text, changed text[])
       ), up AS (
         INSERT INTO object AS o (id, tenant, type, source, source_key, version, level_rank, compartments, properties, provenance, content_hash, created_at, updated_at)
         SELECT i.id, ?, i.type, ?, i.source_key, 1, i.level_rank, coalesce(i.compartments, '{}'), i.properties, i.provenance, i.content_hash, now(), now() FROM input i
         ON CONFLICT (tenant, source, source_key) DO UPDATE
           SET version = o.version + 1, level_rank = EXCLUDED.level_rank, compartments = EXCLUDED.compartments, properties = EXCLUDED.properties,
               provenance = EXCLUDED.provenance, content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at
           WHERE o.content_hash IS DISTINCT FROM EXCLUDED.content_hash AND o.type = EXCLUDED.type
         RETURNING o.*
       ), history AS (
         INSERT INTO object_version (object_id, version, tenant, change, at, actor, purpose, provenance, level_rank, compartments, snapshot, changed_properties)
         SELECT up.id, up.version, up.tenant, CASE WHEN up.version = 1 THEN 'created' ELSE 'updated' END, up.updated_at, ?::jsonb, ?::jsonb,
                up.provenance, up.level_rank, up.compartments,
                jsonb_build_object('type', up.type, 'properties', up.properties, 'markings', ${MARKINGS_JSON('up')}, 'deletedAt', up.deleted_at, 'entityId', up.entity_id),
                coalesce(i.changed, '{}')
         FROM up JOIN input i ON i.source_key = up.source_key
       )
       SELECT ${writtenColumns('up.entity_id')} FROM up`,
      [
        JSON.stringify(records.map((r) => ({ id: r.id, type: r.type, source_key: r.sourceKey, level_rank: r.levelRank, compartments: r.compartments, properties: r.properties, provenance: r.provenance, content_hash: r.contentHash, changed: r.changed }))),
        tenant,
        source,
        JSON.stringify(historyActor(actor)),
        purpose ? JSON.stringify(purpose) : null,
      ],
    );
    const bySourceKey = new Map(records.map((r) => [r.sourceKey, r] as const));
    return written.map((w): ObjectRow => {
      const r = recordOf(bySourceKey, w);
      return {
        id: w.id,
        tenant,
        type: r.type,
        source,
        source_key: w.source_key,
        version: w.version,
        level_rank: r.levelRank,
        compartments: r.compartments,
        properties: r.properties,
        provenance: r.provenance,
        content_hash: r.contentHash,
        entity_id: w.entity_id,
        ...timestampsOf(w),
      };
    });
  }

  /** Upserts link records and appends their history rows: ONE statement for the whole batch. */
  async upsertLinks(sql: Sql, tenant: string, source: string, records: LinkRecordToWrite[], actor: Actor, purpose: Purpose | undefined): Promise<LinkRow[]> {
    if (!records.length) return [];
    const written = await sql.query<WrittenColumns>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset(?::jsonb)
           AS r(id uuid, type text, source_key text, from_id uuid, to_id uuid, directed boolean, valid_from text, valid_to text,
                level_rank smallint, compartments text[], properties jsonb, provenance jsonb, content_hash text, changed text[])
       ), up AS (
         INSERT INTO link AS l (id, tenant, type, source, source_key, from_id, to_id, directed, version, level_rank, compartments, properties, provenance, valid_from, valid_to, content_hash, created_at, updated_at)
         SELECT i.id, ?, i.type, ?, i.source_key, i.from_id, i.to_id, i.directed, 1, i.level_rank, coalesce(i.compartments, '{}'), i.properties, i.provenance, i.valid_from, i.valid_to, i.content_hash, now(), now()
         FROM input i
         ON CONFLICT (tenant, source, source_key) DO UPDATE
           SET version = l.version + 1, from_id = EXCLUDED.from_id, to_id = EXCLUDED.to_id, level_rank = EXCLUDED.level_rank, compartments = EXCLUDED.compartments,
               properties = EXCLUDED.properties, provenance = EXCLUDED.provenance, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
               content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at
           WHERE l.content_hash IS DISTINCT FROM EXCLUDED.content_hash AND l.type = EXCLUDED.type
         RETURNING l.*
       ), history AS (
         INSERT INTO link_version (link_id, version, tenant, change, at, actor, purpose, provenance, level_rank, compartments, snapshot, changed_properties)
         SELECT up.id, up.version, up.tenant, CASE WHEN up.version = 1 THEN 'created' ELSE 'updated' END, up.updated_at, ?::jsonb, ?::jsonb,
                up.provenance, up.level_rank, up.compartments,
                jsonb_build_object('type', up.type, 'properties', up.properties, 'markings', ${MARKINGS_JSON('up')}, 'deletedAt', up.deleted_at,
                                   'fromId', up.from_id, 'toId', up.to_id, 'validFrom', up.valid_from, 'validTo', up.valid_to),
                coalesce(i.changed, '{}')
         FROM up JOIN input i ON i.source_key = up.source_key
       )
       SELECT ${writtenColumns('NULL::uuid')} FROM up`,
      [
        JSON.stringify(
          records.map((r) => ({
            id: r.id,
            type: r.type,
            source_key: r.sourceKey,
            from_id: r.fromId,
            to_id: r.toId,
            directed: r.directed,
            valid_from: r.validFrom,
            valid_to: r.validTo,
            level_rank: r.levelRank,
            compartments: r.compartments,
            properties: r.properties,
            provenance: r.provenance,
            content_hash: r.contentHash,
            changed: r.changed,
          })),
        ),
        tenant,
        source,
        JSON.stringify(historyActor(actor)),
        purpose ? JSON.stringify(purpose) : null,
      ],
    );
    const bySourceKey = new Map(records.map((r) => [r.sourceKey, r] as const));
    return written.map((w): LinkRow => {
      const r = recordOf(bySourceKey, w);
      return {
        id: w.id,
        tenant,
        type: r.type,
        source,
        source_key: w.source_key,
        from_id: r.fromId,
        to_id: r.toId,
        directed: r.directed,
        version: w.version,
        level_rank: r.levelRank,
        compartments: r.compartments,
        properties: r.properties,
        provenance: r.provenance,
        valid_from: r.validFrom,
        valid_to: r.validTo,
        content_hash: r.contentHash,
        ...timestampsOf(w),
      };
    });
  }
}

export function endKey(source: string, sourceKey: string): string {
  return `${source}\u0000${sourceKey}`;
}
