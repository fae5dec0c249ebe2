import { historyActor, PropertyFilter } from '@vigie/ontology-contracts';
import { SqlFragment } from '@vigie/shared-policy';
import { pgArray, Sql } from '../sql/ontology-database';
import { propertyScope, ReaderScope, visibleRow } from '../sql/scope';
import { propertyFilterSql } from './property-filter.sql';
import { NewVersion, ObjectRow, VersionRow } from './row.types';

const OBJECT_COLUMNS = `o.id, o.tenant, o.type, o.source, o.source_key, o.version, o.level_rank, o.compartments, o.provenance, o.content_hash, o.entity_id, o.created_at, o.updated_at, o.deleted_at`;

export interface ObjectListQuery {
  type?: string;
  filters: PropertyFilter[];
  includeDeleted: boolean;
  updatedSince?: string;
  /** Keyset: strictly after (updated_at, id). `key` is the exact `updated_at::text` of the last row. */
  after?: { key: string; id: string };
  limit: number;
  /**
   * Bound of one listing statement: at most this many objects (of the type, that the reader may
   * see, after the cursor, in key order) are read and tested against the property filters.
   * Default {@link listScanLimit} of the number of filters.
   */
  scanLimit?: number;
}

/**
 * The budget of one listing statement, in (object × property filter) tests. One test costs
 * ≈ 8–12 µs on this 2-core machine whatever the operator (entry visibility, then every value of
 * the property: eq, prefix, contains, ranges, in, within all measured 190–320 ms per 20,000 objects
 * at load 5–6), so 20,000 tests ≈ 0.2–0.3 s of PostgreSQL, about a second loaded.
 */
export const LIST_SCAN_LIMIT = 20_000;

/** How many objects one listing statement reads: the budget shared by the filters (20,000 with none or one, 1,000 with 20). */
export function listScanLimit(filterCount: number): number {
  return Math.floor(LIST_SCAN_LIMIT / Math.max(1, filterCount));
}

/** A count: `exact: false` when a bounded scan stopped at its bound (`count` is then "at least"). */
export interface ObjectCount {
  count: number;
  exact: boolean;
}

/** An object row plus the exact text of its `updated_at` (the keyset cursor key). */
export type ListedObjectRow = ObjectRow & { cursor_key: string };

/**
 * One listing page read by a bounded scan: `rows` match (up to `limit + 1`, so more matches are
 * known); `scanEnd` is the last object read when the scan stopped at its bound (the cursor to
 * continue after), undefined when the scan reached the end of what it was asked to read.
 */
export interface ListedObjects {
  rows: ListedObjectRow[];
  scanEnd?: { key: string; id: string };
}

function and(parts: SqlFragment[]): SqlFragment {
  return { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) };
}

/**
 * Objects, read through the need-to-know filter of `@vigie/shared-policy` INSIDE every query
 * (tenant, level rank ≤ clearance, compartments ⊆ the reader's), with property entries above the
 * reader removed by `visible_properties(...)` in SQL. An invisible object is simply not found.
 */
export class ObjectRepository {
  /** The object as `scope` may see it, or undefined (absent, other tenant, or marked above the reader). */
  async findVisible(sql: Sql, scope: ReaderScope, id: string): Promise<ObjectRow | undefined> {
    const filter = visibleRow(scope, 'o');
    const rows = await sql.query<ObjectRow>(
      `SELECT ${OBJECT_COLUMNS}, visible_properties(o.properties, ?, ?::text[]) AS properties FROM object o WHERE o.id = ? AND ${filter.sql}`,
      [...propertyScope(scope), id, ...filter.params],
    );
    return rows[0];
  }

  /** For a write: the full row (every property, even those above the writer), locked — only if the writer may see the object. */
  async findForWrite(sql: Sql, scope: ReaderScope, id: string): Promise<ObjectRow | undefined> {
    const filter = visibleRow(scope, 'o');
    const rows = await sql.query<ObjectRow>(`SELECT ${OBJECT_COLUMNS}, o.properties FROM object o WHERE o.id = ? AND ${filter.sql} FOR UPDATE`, [id, ...filter.params]);
    return rows[0];
  }

  /** Full rows of a tenant's objects by id (service-side work: resolution, events). */
  async findByIds(sql: Sql, tenant: string, ids: readonly string[]): Promise<ObjectRow[]> {
    if (!ids.length) return [];
    return sql.query<ObjectRow>(`SELECT ${OBJECT_COLUMNS}, o.properties FROM object o WHERE o.tenant = ? AND o.id = ANY(?::uuid[])`, [tenant, pgArray(ids)]);
  }

  /** Of these ids, those `scope` may see (for filtering lists of member ids). */
  async visibleIds(sql: Sql, scope: ReaderScope, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const filter = visibleRow(scope, 'o');
    const rows = await sql.query<{ id: string }>(`SELECT o.id FROM object o WHERE o.id = ANY(?::uuid[]) AND ${filter.sql}`, [pgArray(ids), ...filter.params]);
    return new Set(rows.map((r) => r.id));
  }

  /** The predicates every index read of a listing uses: tenant and markings (need-to-know), type, deletion, `updatedSince`. */
  private base(scope: ReaderScope, query: Omit<ObjectListQuery, 'after' | 'limit' | 'filters'>): SqlFragment {
    const parts: SqlFragment[] = [visibleRow(scope, 'o')];
    if (query.type) parts.push({ sql: 'o.type = ?', params: [query.type] });
    if (!query.includeDeleted) parts.push({ sql: 'o.deleted_at IS NULL', params: [] });
    if (query.updatedSince) parts.push({ sql: 'o.updated_at >= ?::timestamptz', params: [query.updatedSince] });
    return and(parts);
  }

  /**
   * One page, ordered by (updated_at, id): stable keyset pagination, read by a BOUNDED scan. The
   * inner statement walks the (tenant, type, updated_at, id) or (tenant, updated_at, id) index from
   * the cursor and reads at most `scanLimit` objects the reader may see (need-to-know inside the
   * scan, so a scan never stops on, nor a cursor names, an object the reader may not see); the
   * property filters are tested on those rows only (`hit`). The outer statement returns the first
   * `limit + 1` hits, plus the scan's last row (`rn = scanLimit`) when the scan used its whole bound:
   * a rare filter then answers a PARTIAL page — every match among the rows read, and the cursor
   * after the last row read — instead of reading the whole tenant. A frequent filter stops as soon
   * as the page is full.
   */
  async list(sql: Sql, scope: ReaderScope, query: ObjectListQuery): Promise<ListedObjects> {
    const scanLimit = query.scanLimit ?? listScanLimit(query.filters.length);
    if (!Number.isInteger(scanLimit) || scanLimit < 1) throw new RangeError(`scanLimit must be a positive integer, got ${scanLimit}`);
    const base = this.base(scope, query);
    const filters = query.filters.length ? and(query.filters.map((f) => propertyFilterSql('o', f, scope))) : { sql: 'true', params: [] };
    const after = query.after ? { sql: ' AND (o.updated_at, o.id) > (?::timestamptz, ?::uuid)', params: [query.after.key, query.after.id] } : { sql: '', params: [] };
    const rows = await sql.query<ListedObjectRow & { hit: boolean; rn: string | number }>(
      `SELECT ${OBJECT_COLUMNS}, visible_properties(o.properties, ?, ?::text[]) AS properties, to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_key, o.hit, o.rn
       FROM (SELECT o.*, coalesce((${filters.sql}), false) AS hit, row_number() OVER (ORDER BY o.updated_at, o.id) AS rn
             FROM object o WHERE ${base.sql}${after.sql} ORDER BY o.updated_at, o.id LIMIT ?) o
       WHERE o.hit OR o.rn = ? ORDER BY o.updated_at, o.id LIMIT ?`,
      [...propertyScope(scope), ...filters.params, ...base.params, ...after.params, scanLimit, scanLimit, query.limit + 1],
    );
    const hits = rows.filter((r) => r.hit);
    const last = rows[rows.length - 1];
    // The bound was reached (its last row came back) before the page filled up: the page is partial.
    const scanEnd = hits.length <= query.limit && last && Number(last.rn) === scanLimit ? { key: last.cursor_key, id: last.id } : undefined;
    return { rows: hits.map(({ hit: _hit, rn: _rn, ...row }) => row), ...(scanEnd ? { scanEnd } : {}) };
  }

  /**
   * How many objects the reader may see match, counted inside the filtered query (never leaks
   * hidden objects: markings in the WHERE clause, property filters through `entry_visible`).
   * Without property filters: an exact `count(*)` on the index predicates (tenant, markings, type,
   * deletion, `updatedSince`; ≈ 0.4 s for 185,000 objects of a type at load 3–5). With property
   * filters: the listing's BOUNDED scan — the first `scanLimit` objects the reader may see (default
   * {@link listScanLimit}), in list order from the start, are tested and the matches among them
   * counted; when more objects were there to read the count is a lower bound (`exact: false`).
   * Run it in a TRANSACTION (`OntologyDatabase.transaction`): it turns explicit sorts off for that
   * transaction (`SET LOCAL enable_sort = off`) so the scan follows the (tenant, [type,] updated_at,
   * id) index and stops at the bound. The planner estimates the markings predicates ~200× too
   * selective (185,000 visible people estimated at 900), so for an aggregate — no small LIMIT above
   * it, unlike a listing page — it otherwise prefers reading the whole tenant and sorting it
   * (measured 0.9–2.4 s instead of 0.3–1.2 s on 185,000 people at load 4–5, and growing with the tenant).
   */
  async count(sql: Sql, scope: ReaderScope, query: Omit<ObjectListQuery, 'after' | 'limit'>): Promise<ObjectCount> {
    if (!query.filters.length) {
      const base = this.base(scope, query);
      const rows = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM object o WHERE ${base.sql}`, base.params);
      return { count: rows[0]?.n ?? 0, exact: true };
    }
    const scanLimit = query.scanLimit ?? listScanLimit(query.filters.length);
    if (!Number.isInteger(scanLimit) || scanLimit < 1) throw new RangeError(`scanLimit must be a positive integer, got ${scanLimit}`);
    const base = this.base(scope, query);
    const filters = and(query.filters.map((f) => propertyFilterSql('o', f, scope)));
    await sql.query('SET LOCAL enable_sort = off');
    // One row past the bound tells whether the scan stopped early; it is never counted.
    const rows = await sql.query<{ n: number; scanned: number }>(
      `SELECT (count(*) FILTER (WHERE c.hit AND c.rn <= ?))::int AS n, count(*)::int AS scanned
       FROM (SELECT coalesce((${filters.sql}), false) AS hit, row_number() OVER (ORDER BY o.updated_at, o.id) AS rn
             FROM object o WHERE ${base.sql} ORDER BY o.updated_at, o.id LIMIT ?) c`,
      [scanLimit, ...filters.params, ...base.params, scanLimit + 1],
    );
    const row = rows[0];
    return { count: row?.n ?? 0, exact: (row?.scanned ?? 0) <= scanLimit };
  }

  async insert(sql: Sql, row: ObjectRow): Promise<void> {
    await sql.query(
      `INSERT INTO object (id, tenant, type, source, source_key, version, level_rank, compartments, properties, provenance, content_hash, entity_id, created_at, updated_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?::text[], ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?)`,
      [row.id, row.tenant, row.type, row.source, row.source_key, row.version, row.level_rank, pgArray(row.compartments), JSON.stringify(row.properties), JSON.stringify(row.provenance), row.content_hash, row.entity_id, row.created_at, row.updated_at, row.deleted_at],
    );
  }

  /** Writes the new state of an object whose version is still `expectedVersion` (returns false if it moved on). */
  async update(sql: Sql, row: ObjectRow, expectedVersion: number): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE object SET version = ?, level_rank = ?, compartments = ?::text[], properties = ?::jsonb, provenance = ?::jsonb, content_hash = ?, updated_at = ?, deleted_at = ?
       WHERE id = ? AND tenant = ? AND version = ? RETURNING id`,
      [row.version, row.level_rank, pgArray(row.compartments), JSON.stringify(row.properties), JSON.stringify(row.provenance), row.content_hash, row.updated_at, row.deleted_at, row.id, row.tenant, expectedVersion],
    );
    return rows.length === 1;
  }

  async insertVersion(sql: Sql, v: NewVersion): Promise<void> {
    await sql.query(
      `INSERT INTO object_version (object_id, version, tenant, change, at, actor, purpose, provenance, level_rank, compartments, snapshot, changed_properties)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?::text[], ?::jsonb, ?::text[])`,
      [v.id, v.version, v.tenant, v.change, v.at, JSON.stringify(historyActor(v.actor)), v.purpose ? JSON.stringify(v.purpose) : null, JSON.stringify(v.provenance), v.levelRank, pgArray(v.compartments), JSON.stringify(v.snapshot), pgArray(v.changedProperties)],
    );
  }

  /**
   * One version of an object the reader may see now, if that version's own markings are visible
   * too; its snapshot's properties are filtered like a current read.
   */
  async findVersion(sql: Sql, scope: ReaderScope, id: string, version: number): Promise<VersionRow | undefined> {
    const current = visibleRow(scope, 'o');
    const past = visibleRow(scope, 'v');
    const rows = await sql.query<VersionRow>(
      `SELECT v.object_id AS id, v.version, v.tenant, v.change, v.at, v.actor, v.purpose, v.provenance, v.level_rank, v.compartments, v.changed_properties,
              jsonb_set(v.snapshot, '{properties}', visible_properties(v.snapshot -> 'properties', ?, ?::text[])) AS snapshot
       FROM object_version v JOIN object o ON o.id = v.object_id
       WHERE v.object_id = ? AND v.version = ? AND ${current.sql} AND ${past.sql}`,
      [...propertyScope(scope), id, version, ...current.params, ...past.params],
    );
    return rows[0];
  }

  /** Versions newest first (keyset on version), those whose markings the reader may see. */
  async history(sql: Sql, scope: ReaderScope, id: string, beforeVersion: number | undefined, limit: number): Promise<VersionRow[]> {
    const past = visibleRow(scope, 'v');
    return sql.query<VersionRow>(
      `SELECT v.object_id AS id, v.version, v.tenant, v.change, v.at, v.actor, v.purpose, v.provenance, v.level_rank, v.compartments, v.changed_properties,
              jsonb_set(v.snapshot, '{properties}', visible_properties(v.snapshot -> 'properties', ?, ?::text[])) AS snapshot,
              ARRAY(SELECT jsonb_object_keys(v.snapshot -> 'properties')) AS all_properties
       FROM object_version v WHERE v.object_id = ? AND ${past.sql} ${beforeVersion ? 'AND v.version < ?' : ''}
       ORDER BY v.version DESC LIMIT ?`,
      [...propertyScope(scope), id, ...past.params, ...(beforeVersion ? [beforeVersion] : []), limit + 1],
    );
  }
}
