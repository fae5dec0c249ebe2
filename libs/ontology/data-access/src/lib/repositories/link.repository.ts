import { historyActor, PropertyFilter } from '@vigie/ontology-contracts';
import { SqlFragment } from '@vigie/shared-policy';
import { pgArray, Sql } from '../sql/ontology-database';
import { propertyScope, ReaderScope, visibleRow } from '../sql/scope';
import { listScanLimit, ObjectCount } from './object.repository';
import { propertyFilterSql } from './property-filter.sql';
import { LinkRow, NewVersion, VersionRow } from './row.types';

const LINK_COLUMNS = `l.id, l.tenant, l.type, l.source, l.source_key, l.from_id, l.to_id, l.directed, l.version, l.level_rank, l.compartments, l.provenance, l.valid_from, l.valid_to, l.content_hash, l.created_at, l.updated_at, l.deleted_at`;
const ENDS = `JOIN object f ON f.id = l.from_id JOIN object t ON t.id = l.to_id`;
/**
 * The ends of each link read by a bounded scan, one primary-key probe each (LATERAL, `OFFSET 0` keeps
 * it a probe): with a tenant's statistics behind its growth (a new tenant, a large import) the planner
 * otherwise joined each link to a scan of the whole tenant's objects — 33 s to list and 42 s to count
 * 3,000 links; probed, they take well under a second, and an exact count grows linearly with the links.
 */
const END_PROBES = `CROSS JOIN LATERAL (SELECT x.tenant, x.level_rank, x.compartments, x.deleted_at FROM object x WHERE x.id = l.from_id OFFSET 0) f
  CROSS JOIN LATERAL (SELECT x.tenant, x.level_rank, x.compartments, x.deleted_at FROM object x WHERE x.id = l.to_id OFFSET 0) t`;

export interface LinkListQuery {
  type?: string;
  objectId?: string;
  direction: 'out' | 'in' | 'both';
  filters: PropertyFilter[];
  validAt?: string;
  includeDeleted: boolean;
  after?: { key: string; id: string };
  limit: number;
  /**
   * Bound of one listing statement: at most this many links (that the reader may see, of the type,
   * touching the object, after the cursor, in key order) are read and tested against the property
   * filters and `validAt`. Default `listScanLimit` of the number of property filters (as objects).
   */
  scanLimit?: number;
}

export type ListedLinkRow = LinkRow & { cursor_key: string };

/** One listing page read by a bounded scan (see `ListedObjects`): `scanEnd` is the last link read when the scan stopped at its bound. */
export interface ListedLinks {
  rows: ListedLinkRow[];
  scanEnd?: { key: string; id: string };
}

function and(parts: SqlFragment[]): SqlFragment {
  return { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) };
}

/**
 * A link is visible only when its own markings AND both end objects are visible to the reader
 * (a link to a hidden object is hidden), all three checked in the query. Links whose end is
 * soft-deleted are hidden with it unless deleted things are asked for.
 */
function visibleLink(scope: ReaderScope, includeDeleted: boolean): SqlFragment {
  const parts = [visibleRow(scope, 'l'), visibleRow(scope, 'f'), visibleRow(scope, 't')];
  if (!includeDeleted) parts.push({ sql: 'l.deleted_at IS NULL AND f.deleted_at IS NULL AND t.deleted_at IS NULL', params: [] });
  return and(parts);
}

export class LinkRepository {
  async findVisible(sql: Sql, scope: ReaderScope, id: string): Promise<LinkRow | undefined> {
    const filter = visibleLink(scope, true);
    const rows = await sql.query<LinkRow>(
      `SELECT ${LINK_COLUMNS}, visible_properties(l.properties, ?, ?::text[]) AS properties FROM link l ${ENDS} WHERE l.id = ? AND ${filter.sql}`,
      [...propertyScope(scope), id, ...filter.params],
    );
    return rows[0];
  }

  async findForWrite(sql: Sql, scope: ReaderScope, id: string): Promise<LinkRow | undefined> {
    const filter = visibleLink(scope, true);
    const rows = await sql.query<LinkRow>(`SELECT ${LINK_COLUMNS}, l.properties FROM link l ${ENDS} WHERE l.id = ? AND ${filter.sql} FOR UPDATE OF l`, [id, ...filter.params]);
    return rows[0];
  }

  async findByIds(sql: Sql, tenant: string, ids: readonly string[]): Promise<LinkRow[]> {
    if (!ids.length) return [];
    return sql.query<LinkRow>(`SELECT ${LINK_COLUMNS}, l.properties FROM link l WHERE l.tenant = ? AND l.id = ANY(?::uuid[])`, [tenant, pgArray(ids)]);
  }

  /** The predicates the scan reads by: need-to-know of the link and both ends, deletion, type, end object. */
  private base(scope: ReaderScope, q: Omit<LinkListQuery, 'after' | 'limit' | 'filters' | 'validAt'>): SqlFragment {
    const parts: SqlFragment[] = [visibleLink(scope, q.includeDeleted)];
    if (q.type) parts.push({ sql: 'l.type = ?', params: [q.type] });
    if (q.objectId) {
      if (q.direction === 'out') parts.push({ sql: 'l.from_id = ?', params: [q.objectId] });
      else if (q.direction === 'in') parts.push({ sql: 'l.to_id = ?', params: [q.objectId] });
      else parts.push({ sql: '(l.from_id = ? OR l.to_id = ?)', params: [q.objectId, q.objectId] });
    }
    return and(parts);
  }

  /** The tests applied to the links the scan read: validity at an instant and the property filters (undefined: none). */
  private tests(scope: ReaderScope, q: Pick<LinkListQuery, 'filters' | 'validAt'>): SqlFragment | undefined {
    const parts: SqlFragment[] = [];
    if (q.validAt) {
      // Bounds are ISO dates or timestamps; compare as timestamps (a date bound means its midnight UTC).
      parts.push({
        sql: `(l.valid_from IS NULL OR l.valid_from::timestamptz <= ?::timestamptz) AND (l.valid_to IS NULL OR l.valid_to::timestamptz >= ?::timestamptz)`,
        params: [q.validAt, q.validAt],
      });
    }
    for (const f of q.filters) parts.push(propertyFilterSql('l', f, scope));
    return parts.length ? and(parts) : undefined;
  }

  /**
   * One page, ordered by (updated_at, id), read by a BOUNDED scan exactly like objects
   * (`ObjectRepository.list`): the inner statement reads at most `scanLimit` links the reader may
   * see (need-to-know of the link and both ends inside the scan), `validAt` and the property filters
   * are tested on those only; when the bound is reached before the page is full the page is partial
   * and `scanEnd` is the cursor after the last link read. A tenant with millions of links answers a
   * rare filter in about a second instead of reading every link.
   */
  async list(sql: Sql, scope: ReaderScope, q: LinkListQuery): Promise<ListedLinks> {
    const scanLimit = q.scanLimit ?? listScanLimit(q.filters.length);
    if (!Number.isInteger(scanLimit) || scanLimit < 1) throw new RangeError(`scanLimit must be a positive integer, got ${scanLimit}`);
    const base = this.base(scope, q);
    const tests = this.tests(scope, q) ?? { sql: 'true', params: [] };
    const after = q.after ? { sql: ' AND (l.updated_at, l.id) > (?::timestamptz, ?::uuid)', params: [q.after.key, q.after.id] } : { sql: '', params: [] };
    const rows = await sql.query<ListedLinkRow & { hit: boolean; rn: string | number }>(
      `SELECT ${LINK_COLUMNS}, visible_properties(l.properties, ?, ?::text[]) AS properties, to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_key, l.hit, l.rn
       FROM (SELECT l.*, coalesce((${tests.sql}), false) AS hit, row_number() OVER (ORDER BY l.updated_at, l.id) AS rn
             FROM link l ${END_PROBES} WHERE ${base.sql}${after.sql} ORDER BY l.updated_at, l.id LIMIT ?) l
       WHERE l.hit OR l.rn = ? ORDER BY l.updated_at, l.id LIMIT ?`,
      [...propertyScope(scope), ...tests.params, ...base.params, ...after.params, scanLimit, scanLimit, q.limit + 1],
    );
    const hits = rows.filter((r) => r.hit);
    const last = rows[rows.length - 1];
    const scanEnd = hits.length <= q.limit && last && Number(last.rn) === scanLimit ? { key: last.cursor_key, id: last.id } : undefined;
    return { rows: hits.map(({ hit: _hit, rn: _rn, ...row }) => row), ...(scanEnd ? { scanEnd } : {}) };
  }

  /**
   * How many links the reader may see match (need-to-know of the link and both ends in the query).
   * Without property filters or `validAt`: an exact `count(*)`. With them: the listing's bounded
   * scan from the start — `exact: false` when more links were there to read (`count` is then "at
   * least"). Run it in a TRANSACTION: explicit sorts are turned off for it (`SET LOCAL`, as for
   * objects) so the scan follows the (tenant, [type,] updated_at, id) index and stops at the bound —
   * except for the links of one object, read by their end's index and sorted (an object's links are
   * few next to the tenant's; following the tenant's index would read all of them to find its).
   */
  async count(sql: Sql, scope: ReaderScope, q: Omit<LinkListQuery, 'after' | 'limit'>): Promise<ObjectCount> {
    const base = this.base(scope, q);
    const tests = this.tests(scope, q);
    if (!tests) {
      const rows = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM link l ${END_PROBES} WHERE ${base.sql}`, base.params);
      return { count: rows[0]?.n ?? 0, exact: true };
    }
    const scanLimit = q.scanLimit ?? listScanLimit(q.filters.length);
    if (!Number.isInteger(scanLimit) || scanLimit < 1) throw new RangeError(`scanLimit must be a positive integer, got ${scanLimit}`);
    if (!q.objectId) await sql.query('SET LOCAL enable_sort = off');
    // One row past the bound tells whether the scan stopped early; it is never counted.
    const rows = await sql.query<{ n: number; scanned: number }>(
      `SELECT (count(*) FILTER (WHERE c.hit AND c.rn <= ?))::int AS n, count(*)::int AS scanned
       FROM (SELECT coalesce((${tests.sql}), false) AS hit, row_number() OVER (ORDER BY l.updated_at, l.id) AS rn
             FROM link l ${END_PROBES} WHERE ${base.sql} ORDER BY l.updated_at, l.id LIMIT ?) c`,
      [scanLimit, ...tests.params, ...base.params, scanLimit + 1],
    );
    const row = rows[0];
    return { count: row?.n ?? 0, exact: (row?.scanned ?? 0) <= scanLimit };
  }

  async insert(sql: Sql, row: LinkRow): Promise<void> {
    await sql.query(
      `INSERT INTO link (id, tenant, type, source, source_key, from_id, to_id, directed, version, level_rank, compartments, properties, provenance, valid_from, valid_to, content_hash, created_at, updated_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?)`,
      [row.id, row.tenant, row.type, row.source, row.source_key, row.from_id, row.to_id, row.directed, row.version, row.level_rank, pgArray(row.compartments), JSON.stringify(row.properties), JSON.stringify(row.provenance), row.valid_from, row.valid_to, row.content_hash, row.created_at, row.updated_at, row.deleted_at],
    );
  }

  async update(sql: Sql, row: LinkRow, expectedVersion: number): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE link SET version = ?, level_rank = ?, compartments = ?::text[], properties = ?::jsonb, provenance = ?::jsonb, valid_from = ?, valid_to = ?, content_hash = ?, updated_at = ?, deleted_at = ?
       WHERE id = ? AND tenant = ? AND version = ? RETURNING id`,
      [row.version, row.level_rank, pgArray(row.compartments), JSON.stringify(row.properties), JSON.stringify(row.provenance), row.valid_from, row.valid_to, row.content_hash, row.updated_at, row.deleted_at, row.id, row.tenant, expectedVersion],
    );
    return rows.length === 1;
  }

  async insertVersion(sql: Sql, v: NewVersion): Promise<void> {
    await sql.query(
      `INSERT INTO link_version (link_id, version, tenant, change, at, actor, purpose, provenance, level_rank, compartments, snapshot, changed_properties)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?::text[], ?::jsonb, ?::text[])`,
      [v.id, v.version, v.tenant, v.change, v.at, JSON.stringify(historyActor(v.actor)), v.purpose ? JSON.stringify(v.purpose) : null, JSON.stringify(v.provenance), v.levelRank, pgArray(v.compartments), JSON.stringify(v.snapshot), pgArray(v.changedProperties)],
    );
  }

  async findVersion(sql: Sql, scope: ReaderScope, id: string, version: number): Promise<VersionRow | undefined> {
    const current = visibleLink(scope, true);
    const past = visibleRow(scope, 'v');
    const rows = await sql.query<VersionRow>(
      `SELECT v.link_id AS id, v.version, v.tenant, v.change, v.at, v.actor, v.purpose, v.provenance, v.level_rank, v.compartments, v.changed_properties,
              jsonb_set(v.snapshot, '{properties}', visible_properties(v.snapshot -> 'properties', ?, ?::text[])) AS snapshot
       FROM link_version v JOIN link l ON l.id = v.link_id ${ENDS}
       WHERE v.link_id = ? AND v.version = ? AND ${current.sql} AND ${past.sql}`,
      [...propertyScope(scope), id, version, ...current.params, ...past.params],
    );
    return rows[0];
  }

  async history(sql: Sql, scope: ReaderScope, id: string, beforeVersion: number | undefined, limit: number): Promise<VersionRow[]> {
    const past = visibleRow(scope, 'v');
    return sql.query<VersionRow>(
      `SELECT v.link_id AS id, v.version, v.tenant, v.change, v.at, v.actor, v.purpose, v.provenance, v.level_rank, v.compartments, v.changed_properties,
              jsonb_set(v.snapshot, '{properties}', visible_properties(v.snapshot -> 'properties', ?, ?::text[])) AS snapshot,
              ARRAY(SELECT jsonb_object_keys(v.snapshot -> 'properties')) AS all_properties
       FROM link_version v WHERE v.link_id = ? AND ${past.sql} ${beforeVersion ? 'AND v.version < ?' : ''}
       ORDER BY v.version DESC LIMIT ?`,
      [...propertyScope(scope), id, ...past.params, ...(beforeVersion ? [beforeVersion] : []), limit + 1],
    );
  }
}
