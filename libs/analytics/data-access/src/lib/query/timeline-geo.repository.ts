import type { GeoRequest, GeoResponse, TimelineItem, TimelineRequest, TimelineResponse } from '@vigie/analytics-contracts';
import { Params, Queryable } from '../db/analytics-db';
import { markingOf, visibleSql, Viewer } from './visibility';

const EARTH_RADIUS_M = 6_371_008.8;

/** Timeline and map queries; the markings filter of each row (document or link) is inside the SQL. */
export class TimelineGeoRepository {
  constructor(private readonly db: Queryable) {}

  async timeline(viewer: Viewer, req: TimelineRequest): Promise<TimelineResponse> {
    const p = new Params();
    const t = p.add(viewer.tenant);
    const objWhere = [`d.tenant = ${t}`, 'd.at IS NOT NULL', 'NOT d.deleted', visibleSql(p, viewer, 'd')];
    const linkWhere = [`l.tenant = ${t}`, 'coalesce(l.valid_from, l.valid_to) IS NOT NULL', 'l.alive', visibleSql(p, viewer, 'l', 'eff_level', 'eff_compartments')];
    if (req.ids) {
      const ids = p.add(req.ids);
      objWhere.push(`d.object_id = ANY (${ids}::uuid[])`);
      linkWhere.push(`(l.from_id = ANY (${ids}::uuid[]) OR l.to_id = ANY (${ids}::uuid[]))`);
    }
    if (req.types) {
      const types = p.add(req.types);
      objWhere.push(`d.type = ANY (${types}::text[])`);
    }
    if (req.from) {
      const from = p.add(req.from);
      objWhere.push(`d.at >= ${from}::timestamptz`);
      linkWhere.push(`coalesce(l.valid_from, l.valid_to) >= ${from}::timestamptz`);
    }
    if (req.to) {
      const to = p.add(req.to);
      objWhere.push(`d.at <= ${to}::timestamptz`);
      linkWhere.push(`coalesce(l.valid_from, l.valid_to) <= ${to}::timestamptz`);
    }
    const visTitle = visibleSql(p, viewer, 'o', 'title_level', 'title_compartments');
    const bucket = p.add(req.bucket);
    const limit = p.add(req.limit);
    const linksPart = req.includeLinks
      ? `UNION ALL SELECT 'link' AS kind, l.id, l.type, coalesce(l.valid_from, l.valid_to) AS at, NULL::text AS title, l.from_id, l.to_id
         FROM link l WHERE ${linkWhere.join(' AND ')}`
      : '';
    const sql = `
      WITH items AS MATERIALIZED (
        SELECT DISTINCT ON (d.object_id) 'object' AS kind, d.object_id AS id, d.type, d.at,
               (SELECT CASE WHEN ${visTitle} THEN o.title END FROM object o WHERE o.tenant = d.tenant AND o.id = d.object_id) AS title,
               NULL::uuid AS from_id, NULL::uuid AS to_id
        FROM doc d WHERE ${objWhere.join(' AND ')}
        ${linksPart}
      )
      SELECT
        (SELECT count(*)::int FROM items) AS total,
        (SELECT coalesce(json_agg(b ORDER BY b.start), '[]') FROM (
           SELECT date_trunc(${bucket}, at) AS start, count(*) FILTER (WHERE kind = 'object')::int AS objects,
                  count(*) FILTER (WHERE kind = 'link')::int AS links
           FROM items GROUP BY 1) b) AS buckets,
        (SELECT coalesce(json_agg(i ORDER BY i.at, i.id), '[]') FROM (SELECT * FROM items ORDER BY at, id LIMIT ${limit}) i) AS items`;
    const res = await this.db.query<{
      total: number;
      buckets: { start: string; objects: number; links: number }[];
      items: { kind: 'object' | 'link'; id: string; type: string; at: string; title: string | null; from_id: string | null; to_id: string | null }[];
    }>(sql, p.values);
    const row = res.rows[0];
    const items: TimelineItem[] = row.items.map((i) => ({
      kind: i.kind,
      id: i.id,
      type: i.type,
      at: new Date(i.at).toISOString(),
      title: i.title,
      fromId: i.from_id,
      toId: i.to_id,
    }));
    return {
      bucket: req.bucket,
      buckets: row.buckets.map((b) => ({ start: new Date(b.start).toISOString(), objects: b.objects, links: b.links })),
      items,
      total: row.total,
      truncated: row.total > items.length,
    };
  }

  async geo(viewer: Viewer, req: GeoRequest): Promise<GeoResponse> {
    const p = new Params();
    const t = p.add(viewer.tenant);
    // The area: the box, or the bounding box of the circle (prefilter on the index), then haversine.
    let box: { minLat: number; minLon: number; maxLat: number; maxLon: number };
    let distance = '';
    if (req.circle) {
      const { center, radiusMeters } = req.circle;
      const dLat = (radiusMeters / EARTH_RADIUS_M) * (180 / Math.PI);
      const cos = Math.cos((center.lat * Math.PI) / 180);
      const dLon = cos < 1e-9 ? 180 : Math.min(180, dLat / cos);
      box = { minLat: Math.max(-90, center.lat - dLat), maxLat: Math.min(90, center.lat + dLat), minLon: Math.max(-180, center.lon - dLon), maxLon: Math.min(180, center.lon + dLon) };
      const la = p.add(center.lat);
      const lo = p.add(center.lon);
      distance = ` AND 2 * ${EARTH_RADIUS_M} * asin(sqrt(power(sin(radians(d.lat - ${la}) / 2), 2) + cos(radians(${la})) * cos(radians(d.lat)) * power(sin(radians(d.lon - ${lo}) / 2), 2))) <= ${p.add(radiusMeters)}`;
    } else {
      box = req.box as typeof box;
    }
    const where = [
      `d.tenant = ${t}`,
      'd.lat IS NOT NULL',
      'NOT d.deleted',
      visibleSql(p, viewer, 'd'),
      `d.lat BETWEEN ${p.add(box.minLat)} AND ${p.add(box.maxLat)}`,
      `d.lon BETWEEN ${p.add(box.minLon)} AND ${p.add(box.maxLon)}`,
    ];
    if (req.types) where.push(`d.type = ANY (${p.add(req.types)}::text[])`);
    const visO = visibleSql(p, viewer, 'o');
    const visTitle = visibleSql(p, viewer, 'o', 'title_level', 'title_compartments');
    const cellLat = Math.max((box.maxLat - box.minLat) / req.grid, 1e-9);
    const cellLon = Math.max((box.maxLon - box.minLon) / req.grid, 1e-9);
    const cl = p.add(cellLat);
    const co = p.add(cellLon);
    const minLat = p.add(box.minLat);
    const minLon = p.add(box.minLon);
    const above = p.add(req.clusterAbove);
    const sql = `
      WITH pts AS MATERIALIZED (
        SELECT DISTINCT ON (d.object_id) d.object_id, d.type, d.lat, d.lon
        FROM doc d WHERE ${where.join(' AND ')}${distance}
        ORDER BY d.object_id, d.seq
      ), n AS (SELECT count(*)::int AS total FROM pts)
      SELECT n.total,
        CASE WHEN n.total <= ${above} THEN (
          SELECT coalesce(json_agg(json_build_object('id', pts.object_id, 'type', pts.type, 'lat', pts.lat, 'lon', pts.lon,
                   'title', CASE WHEN ${visTitle} THEN o.title END, 'level', o.level, 'compartments', o.compartments) ORDER BY pts.object_id), '[]')
          FROM pts JOIN object o ON o.tenant = ${t} AND o.id = pts.object_id AND ${visO})
        END AS points,
        CASE WHEN n.total > ${above} THEN (
          SELECT coalesce(json_agg(c ORDER BY c.count DESC, c.gy, c.gx), '[]') FROM (
            SELECT floor((lat - ${minLat}) / ${cl})::int AS gy, floor((lon - ${minLon}) / ${co})::int AS gx,
                   avg(lat) AS lat, avg(lon) AS lon, count(*)::int AS count,
                   min(lat) AS "minLat", min(lon) AS "minLon", max(lat) AS "maxLat", max(lon) AS "maxLon"
            FROM pts GROUP BY 1, 2) c)
        END AS clusters
      FROM n`;
    const res = await this.db.query<{
      total: number;
      points: { id: string; type: string; lat: number; lon: number; title: string | null; level: number; compartments: string[] }[] | null;
      clusters: { lat: number; lon: number; count: number; minLat: number; minLon: number; maxLat: number; maxLon: number }[] | null;
    }>(sql, p.values);
    const row = res.rows[0];
    return {
      total: row.total,
      clustered: row.clusters !== null,
      points: (row.points ?? []).map((x) => ({ id: x.id, type: x.type, title: x.title, markings: markingOf(x.level, x.compartments), lat: x.lat, lon: x.lon })),
      clusters: (row.clusters ?? []).map((c) => ({
        lat: c.lat,
        lon: c.lon,
        count: c.count,
        box: { minLat: c.minLat, minLon: c.minLon, maxLat: c.maxLat, maxLon: c.maxLon },
      })),
    };
  }
}
