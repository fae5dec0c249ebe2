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
