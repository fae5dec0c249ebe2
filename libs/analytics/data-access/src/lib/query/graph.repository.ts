import type { Edge, ObjectSummary, TimeWindow } from '@vigie/analytics-contracts';
import { Params, Queryable } from '../db/analytics-db';
import { markingOf, visibleSql, Viewer } from './visibility';

export interface ExpansionFilters {
  linkTypes?: string[];
  objectTypes?: string[];
  window?: TimeWindow;
}

interface EdgeRow {
  id: string;
  type: string;
  from_id: string;
  to_id: string;
  directed: boolean;
  valid_from: Date | null;
  valid_to: Date | null;
  level: number;
  compartments: string[];
  from_type: string;
  to_type: string;
}

/** An edge as expanded, with the types of its ends (for object-type filters). */
export interface ExpandedEdge extends Edge {
  fromType: string;
  toType: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toEdge(r: EdgeRow): ExpandedEdge {
  return {
    id: r.id,
    type: r.type,
    fromId: r.from_id,
    toId: r.to_id,
    directed: r.directed,
    validFrom: iso(r.valid_from),
    validTo: iso(r.valid_to),
    markings: markingOf(r.level, r.compartments),
    fromType: r.from_type,
    toType: r.to_type,
  };
}

/** A neighbourhood of ≤ 2 hops as computed in one statement: kept nodes with their depth, kept links, what the limit cut. */
export interface NearNeighbourhood {
  /** Visible kept nodes (seeds included when visible), with the title only if its property is visible. */
  nodes: (ObjectSummary & { depth: number })[];
  edges: ExpandedEdge[];
  truncated: boolean;
  cut: { nodes: number; edges: number };
}

interface NearRow {
  nodes: { id: string; type: string; title: string | null; level: number; compartments: string[]; depth: number }[] | null;
  edges: (Omit<EdgeRow, 'valid_from' | 'valid_to'> & { valid_from: string | null; valid_to: string | null })[] | null;
  truncated: boolean;
  cut_nodes: number;
  cut_edges: number;
}

const isoText = (d: string | null) => (d ? new Date(d).toISOString() : null);

export const stripEdge = ({ fromType: _f, toType: _t, ...edge }: ExpandedEdge): Edge => edge;

/**
 * The graph adjacency, read hop by hop with set-based SQL. A link is returned only when the reader
 * may see the link AND both of its ends and none is deleted — one predicate on the `eff_*`
 * columns, inside the query — so an expansion never reaches through a hidden object.
 */
export class GraphRepository {
  constructor(private readonly db: Queryable) {}

  /** Visible links touching `ids` (direction: which end is in `ids`). */
  async edgesOf(viewer: Viewer, ids: readonly string[], filters: ExpansionFilters, direction: 'out' | 'in' | 'both' = 'both'): Promise<ExpandedEdge[]> {
    if (!ids.length) return [];
    const p = new Params();
    const t = p.add(viewer.tenant);
    const set = p.add(ids);
    const common: string[] = ['l.alive', visibleSql(p, viewer, 'l', 'eff_level', 'eff_compartments')];
    if (filters.linkTypes) common.push(`l.type = ANY (${p.add(filters.linkTypes)}::text[])`);
    if (filters.window?.to) common.push(`(l.valid_from IS NULL OR l.valid_from <= ${p.add(filters.window.to)}::timestamptz)`);
    if (filters.window?.from) common.push(`(l.valid_to IS NULL OR l.valid_to >= ${p.add(filters.window.from)}::timestamptz)`);
    const types = filters.objectTypes ? p.add(filters.objectTypes) : undefined;
    const cols = 'l.id, l.type, l.from_id, l.to_id, l.directed, l.valid_from, l.valid_to, l.level, l.compartments, l.from_type, l.to_type';
    const parts: string[] = [];
    // A directed link leaves its start; an undirected one may be walked either way.
    if (direction !== 'in') {
      parts.push(`SELECT ${cols} FROM link l WHERE l.tenant = ${t} AND l.from_id = ANY (${set}::uuid[]) AND ${common.join(' AND ')}${types ? ` AND l.to_type = ANY (${types}::text[])` : ''}`);
    }
    if (direction !== 'out') {
      parts.push(`SELECT ${cols} FROM link l WHERE l.tenant = ${t} AND l.to_id = ANY (${set}::uuid[]) AND ${common.join(' AND ')}${types ? ` AND l.from_type = ANY (${types}::text[])` : ''}`);
    }
    if (direction === 'out') {
      parts.push(`SELECT ${cols} FROM link l WHERE l.tenant = ${t} AND l.to_id = ANY (${set}::uuid[]) AND NOT l.directed AND ${common.join(' AND ')}${types ? ` AND l.from_type = ANY (${types}::text[])` : ''}`);
    } else if (direction === 'in') {
      parts.push(`SELECT ${cols} FROM link l WHERE l.tenant = ${t} AND l.from_id = ANY (${set}::uuid[]) AND NOT l.directed AND ${common.join(' AND ')}${types ? ` AND l.to_type = ANY (${types}::text[])` : ''}`);
    }
    const res = await this.db.query<EdgeRow>(parts.join(' UNION ALL '), p.values);
    // A link with both ends in the set comes from both branches: keep it once.
    const seen = new Set<string>();
    return res.rows.filter((r) => !seen.has(r.id) && seen.add(r.id)).map(toEdge);
  }

  /**
   * The neighbourhood of `seeds` up to 2 hops in ONE statement, with the same semantics as the
   * hop-by-hop expansion: the nodes new at a hop are sorted by id and kept while the limit allows;
   * once a hop is cut, no further hop is explored; a link found at a hop is kept if both its ends
   * are kept, else counted as cut. Every link read passes the markings predicate on `eff_*` (link
   * and both ends) inside the query; the node summaries pass it on the object and on the title.
   * Seeds the reader cannot see are simply absent from `nodes` (the caller reports NOT_FOUND).
   */
  async nearNeighbourhood(viewer: Viewer, seeds: readonly string[], filters: ExpansionFilters, hops: 1 | 2, limit: number): Promise<NearNeighbourhood> {
    const p = new Params();
    const t = p.add(viewer.tenant);
    const set = p.add([...new Set(seeds)]);
    const common: string[] = ['l.alive', visibleSql(p, viewer, 'l', 'eff_level', 'eff_compartments')];
    if (filters.linkTypes) common.push(`l.type = ANY (${p.add(filters.linkTypes)}::text[])`);
    if (filters.window?.to) common.push(`(l.valid_from IS NULL OR l.valid_from <= ${p.add(filters.window.to)}::timestamptz)`);
    if (filters.window?.from) common.push(`(l.valid_to IS NULL OR l.valid_to >= ${p.add(filters.window.from)}::timestamptz)`);
    const types = filters.objectTypes ? p.add(filters.objectTypes) : undefined;
    const room = p.add(limit - new Set(seeds).size);
    const twoHops = p.add(hops >= 2);
    const cols = 'l.id, l.type, l.from_id, l.to_id, l.directed, l.valid_from, l.valid_to, l.level, l.compartments, l.from_type, l.to_type';
    // Links touching a set (array expression, so both branches are index-only scans of the covering
    // indexes), the other end's type filtered. UNION ALL: a link with both ends in the set comes
    // twice — counted with count(DISTINCT id) and returned once (below) — instead of a sort of
    // every wide row to remove duplicates (the cost of hub neighbourhoods).
    const touching = (ids: string, guard = 'TRUE') =>
      `SELECT ${cols} FROM link l WHERE ${guard} AND l.tenant = ${t} AND l.from_id = ANY (${ids}) AND ${common.join(' AND ')}${types ? ` AND l.to_type = ANY (${types}::text[])` : ''}
       UNION ALL
       SELECT ${cols} FROM link l WHERE ${guard} AND l.tenant = ${t} AND l.to_id = ANY (${ids}) AND ${common.join(' AND ')}${types ? ` AND l.from_type = ANY (${types}::text[])` : ''}`;
    const visO = visibleSql(p, viewer, 'o');
    const visTitle = visibleSql(p, viewer, 'o', 'title_level', 'title_compartments');
    const sql = `
      WITH s AS (SELECT DISTINCT unnest(${set}::uuid[]) AS id),
      e1 AS MATERIALIZED (${touching(`${set}::uuid[]`)}),
      f1 AS MATERIALIZED (
        SELECT x.id, row_number() OVER (ORDER BY x.id) AS rn FROM (SELECT from_id AS id FROM e1 UNION SELECT to_id FROM e1) x
        WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.id = x.id)),
      c1 AS MATERIALIZED (SELECT count(*) AS fresh, least(count(*), greatest(${room}::bigint, 0)) AS kept FROM f1),
      d1 AS MATERIALIZED (SELECT id, 0 AS depth FROM s UNION ALL SELECT id, 1 FROM f1 WHERE rn <= ${room}::bigint),
      e2 AS MATERIALIZED (
        SELECT x.* FROM (${touching('ARRAY(SELECT id FROM d1 WHERE depth = 1)', `${twoHops}::boolean AND (SELECT fresh <= kept FROM c1)`)}) x
        WHERE NOT EXISTS (SELECT 1 FROM e1 WHERE e1.id = x.id)),
      f2 AS MATERIALIZED (
        SELECT x.id, row_number() OVER (ORDER BY x.id) AS rn FROM (SELECT DISTINCT y.id FROM e2, LATERAL (VALUES (e2.from_id), (e2.to_id)) y(id)) x
        WHERE NOT EXISTS (SELECT 1 FROM d1 WHERE d1.id = x.id)),
      c2 AS MATERIALIZED (SELECT count(*) AS fresh, least(count(*), greatest(${room}::bigint - (SELECT kept FROM c1), 0)) AS kept FROM f2),
      d AS MATERIALIZED (SELECT id, depth FROM d1 UNION ALL SELECT id, 2 FROM f2 WHERE rn <= (SELECT kept FROM c2)),
      kept AS MATERIALIZED (
        SELECT e.* FROM (SELECT * FROM e1 UNION ALL SELECT * FROM e2) e
        WHERE EXISTS (SELECT 1 FROM d WHERE d.id = e.from_id) AND EXISTS (SELECT 1 FROM d WHERE d.id = e.to_id))
      SELECT
        (SELECT json_agg(json_build_object('id', o.id, 'type', o.type, 'title', CASE WHEN ${visTitle} THEN o.title END, 'level', o.level,
                 'compartments', o.compartments, 'depth', d.depth))
           FROM d JOIN object o ON o.tenant = ${t} AND o.id = d.id AND NOT o.deleted AND ${visO}) AS nodes,
        (SELECT json_agg(kept) FROM kept) AS edges,
        (SELECT fresh > kept FROM c1) OR (SELECT fresh > kept FROM c2) AS truncated,
        ((SELECT fresh - kept FROM c1) + (SELECT fresh - kept FROM c2))::int AS cut_nodes,
        ((SELECT count(DISTINCT id) FROM e1) + (SELECT count(DISTINCT id) FROM e2) - (SELECT count(DISTINCT id) FROM kept))::int AS cut_edges`;
    const res = await this.db.query<NearRow>(sql, p.values);
    const row = res.rows[0];
    return {
      nodes: (row.nodes ?? []).map((n) => ({ id: n.id, type: n.type, title: n.title, markings: markingOf(n.level, n.compartments), depth: n.depth })),
      edges: [...new Map((row.edges ?? []).map((e) => [e.id, e])).values()].map((e) => ({
        ...toEdge({ ...e, valid_from: null, valid_to: null }),
        validFrom: isoText(e.valid_from),
        validTo: isoText(e.valid_to),
      })),
      truncated: row.truncated,
      cut: { nodes: row.cut_nodes, edges: row.cut_edges },
    };
  }

  /** Objects the reader may see (not deleted), with the title only if the title property is visible too. */
  async objects(viewer: Viewer, ids: readonly string[]): Promise<Map<string, ObjectSummary>> {
    if (!ids.length) return new Map();
    const p = new Params();
    const t = p.add(viewer.tenant);
    const set = p.add(ids);
    const vis = visibleSql(p, viewer, 'o');
    const visTitle = visibleSql(p, viewer, 'o', 'title_level', 'title_compartments');
    const res = await this.db.query<{ id: string; type: string; title: string | null; level: number; compartments: string[] }>(
      `SELECT o.id, o.type, CASE WHEN ${visTitle} THEN o.title END AS title, o.level, o.compartments
       FROM object o WHERE o.tenant = ${t} AND o.id = ANY (${set}::uuid[]) AND NOT o.deleted AND ${vis}`,
      p.values,
    );
    return new Map(res.rows.map((r) => [r.id, { id: r.id, type: r.type, title: r.title, markings: markingOf(r.level, r.compartments) }]));
  }
}
