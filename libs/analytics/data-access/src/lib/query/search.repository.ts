import { createHash } from 'node:crypto';
import type { FacetBucket, SearchHit, SearchPropertyFilter, SearchRequest, SearchResponse } from '@vigie/analytics-contracts';
import { AnalyticsException, AnalyticsExceptionCode, SEARCH_TOTAL_BOUND } from '@vigie/analytics-contracts';
import { Params, Queryable } from '../db/analytics-db';
import { highlight, highlightTerms } from '../text/highlight.util';
import { boundedLevenshtein, nameSkeleton, nameTokens, normaliseName } from '../text/name-normaliser.util';
import { markingOf, visibleSql, Viewer } from './visibility';

interface Cursor {
  s: string;
  id: string;
  h: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string, hash: string): Cursor {
  let c: Partial<Cursor>;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw new AnalyticsException(AnalyticsExceptionCode.InvalidCursor, 'The cursor is not one this service returned');
  }
  if (typeof c.s !== 'string' || !/^-?\d+(\.\d+)?$/.test(c.s) || typeof c.id !== 'string' || !/^[0-9a-f-]{36}$/.test(c.id)) {
    throw new AnalyticsException(AnalyticsExceptionCode.InvalidCursor, 'The cursor is not one this service returned');
  }
  if (c.h !== hash) throw new AnalyticsException(AnalyticsExceptionCode.InvalidCursor, 'The cursor belongs to another query: repeat the query without it');
  return c as Cursor;
}

/** SQL text of a ts query of the free text: French, English and simple configurations, any of them. */
const TSQUERY = (q: string) =>
  `(websearch_to_tsquery('french', unaccent(${q})) || websearch_to_tsquery('english', unaccent(${q})) || websearch_to_tsquery('simple', unaccent(${q})))`;

function propertyPredicate(p: Params, f: SearchPropertyFilter, alias: string): string {
  const name = p.add(f.property);
  const values = `(SELECT x FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${alias}.props -> ${name}) = 'array' THEN ${alias}.props -> ${name} ELSE jsonb_build_array(${alias}.props -> ${name}) END) x)`;
  const anyText = (cond: string) => `EXISTS (SELECT 1 FROM ${values} v(x) WHERE ${cond})`;
  const text = `lower(unaccent(v.x #>> '{}'))`;
  switch (f.op) {
    case 'exists':
      return f.value ? `${alias}.props ? ${name}` : `FALSE`;
    case 'eq':
      return anyText(`${text} = lower(unaccent(${p.add(f.value)}))`);
    case 'neq':
      return `(${alias}.props ? ${name} AND NOT ${anyText(`${text} = lower(unaccent(${p.add(f.value)}))`)})`;
    case 'prefix':
      return anyText(`${text} LIKE lower(unaccent(${p.add(f.value.replace(/[\\%_]/g, '\\$&'))})) || '%'`);
    case 'contains':
      return anyText(`${text} LIKE '%' || lower(unaccent(${p.add(f.value.replace(/[\\%_]/g, '\\$&'))})) || '%'`);
    case 'in':
      return anyText(`${text} = ANY (SELECT lower(unaccent(u)) FROM unnest(${p.add(f.value)}::text[]) u)`);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[f.op];
      if (typeof f.value === 'number') {
        return anyText(`jsonb_typeof(v.x) = 'number' AND (v.x #>> '{}')::double precision ${op} ${p.add(f.value)}`);
      }
      return anyText(`jsonb_typeof(v.x) = 'string' AND (v.x #>> '{}') ${op} ${p.add(f.value)}`);
    }
  }
}

/** Most vocabulary tokens a query token is expanded to (the most similar first). */
export const FUZZY_EXPANSIONS = 20;

interface HitRow {
  object_id: string;
  score: string;
  type: string;
}

/**
 * Search over the `doc` projection. Every document is filtered by its own marking inside the SQL,
 * so a property the reader may not see can neither make an object match, nor be counted in a
 * facet, nor satisfy a filter, nor be highlighted.
 */
export class SearchRepository {
  constructor(private readonly db: Queryable) {}

  async search(viewer: Viewer, req: SearchRequest): Promise<SearchResponse> {
    const hash = createHash('sha256')
      .update(JSON.stringify({ ...req, cursor: undefined, limit: undefined }))
      .digest('base64url')
      .slice(0, 16);
    const cursor = req.cursor ? decodeCursor(req.cursor, hash) : undefined;
    const p = new Params();
    const t = p.add(viewer.tenant);
    const q = req.q.trim();
    const where: string[] = [`d.tenant = ${t}`, visibleSql(p, viewer, 'd'), 'NOT d.deleted'];
    if (req.types) where.push(`d.type = ANY (${p.add(req.types)}::text[])`);
    // Filters: each must hold in some document of the object the reader may see — checked on the
    // candidates as they are found, so the bound below counts filtered objects only.
    const exists = (pred: string) => {
      const vis = visibleSql(p, viewer, 'f');
      return `EXISTS (SELECT 1 FROM doc f WHERE f.tenant = ${t} AND f.object_id = d.object_id AND ${vis} AND ${pred})`;
    };
    for (const f of req.filters) where.push(exists(propertyPredicate(p, f, 'f')));
    if (req.dateRange?.from) where.push(exists(`f.at >= ${p.add(req.dateRange.from)}::timestamptz`));
    if (req.dateRange?.to) where.push(exists(`f.at <= ${p.add(req.dateRange.to)}::timestamptz`));
    if (req.dateRange && !req.dateRange.from && !req.dateRange.to) where.push(exists('f.at IS NOT NULL'));
    if (req.geoBox) {
      const b = req.geoBox;
      where.push(exists(`f.lat BETWEEN ${p.add(b.minLat)} AND ${p.add(b.maxLat)} AND f.lon BETWEEN ${p.add(b.minLon)} AND ${p.add(b.maxLon)}`));
    }
    // At most `bound` candidate documents per branch are read (and scored): the total and the
    // facets are exact below it, a lower bound above (totalExact false).
    const bound = p.add(SEARCH_TOTAL_BOUND + 1);
    const limit = p.add(req.limit + 1);
    let ctes: string;
    let pageSql: string;
    let cutSql: string;
    if (q) {
      // The ts query is computed once per statement (an InitPlan), not once per candidate row.
      const tq = '(SELECT tq FROM qq)';
      const branches: string[] = [];
      const text = `CASE WHEN d.tsv @@ ${tq} THEN ts_rank(d.tsv, ${tq}, 32) ELSE 0 END`;
      const scores = [text];
      let fuzzyMatch: string | undefined;
      if (req.fuzzy) {
        // Fuzzy: each query token, corrected against the tenant's name vocabulary, must be present
        // as a consonant skeleton (index), then candidates are ranked by word similarity — computed
        // on the candidates only, never on every document.
        const skel = await this.fuzzySkeletons(viewer, q);
        const qn = normaliseName(q);
        if (qn) scores.push(`word_similarity(${p.add(qn)}, d.names)`);
        if (skel) {
          const sk = p.add(skel);
          fuzzyMatch = `d.skel @@ to_tsquery('simple', ${sk})`;
          scores.push(`CASE WHEN ${fuzzyMatch} THEN 0.45 ELSE 0 END`);
        }
      }
      const score = `greatest(${scores.join(', ')})`;
      // Two bounded branches: documents matching the words (full text), then those matching only
      // the fuzzy names — so a frequent word cannot crowd the fuzzy matches out of the bound.
      branches.push(`SELECT d.object_id, d.type, ${score} AS score FROM doc d WHERE ${where.join(' AND ')} AND d.tsv @@ ${tq} LIMIT ${bound}`);
      if (fuzzyMatch) {
        branches.push(`SELECT d.object_id, d.type, ${score} AS score FROM doc d WHERE ${where.join(' AND ')} AND ${fuzzyMatch} AND NOT (d.tsv @@ ${tq}) LIMIT ${bound}`);
      }
      ctes = `qq AS MATERIALIZED (SELECT ${TSQUERY(p.add(q))} AS tq),
        ${branches.map((b, i) => `b${i} AS MATERIALIZED (${b})`).join(',\n        ')},
        hits AS MATERIALIZED (
          SELECT object_id, min(type) AS type, round(max(score)::numeric, 6) AS score
          FROM (${branches.map((_, i) => `SELECT * FROM b${i}`).join(' UNION ALL ')}) c GROUP BY object_id)`;
      cutSql = branches.map((_, i) => `(SELECT count(*) FROM b${i}) >= ${bound}`).join(' OR ');
      const page = cursor ? `WHERE (h.score < ${p.add(cursor.s)}::numeric OR (h.score = ${p.add(cursor.s)}::numeric AND h.object_id > ${p.add(cursor.id)}::uuid))` : '';
      pageSql = `SELECT h.object_id, h.type, h.score::text AS score FROM hits h ${page} ORDER BY h.score DESC, h.object_id LIMIT ${limit}`;
    } else {
      // Filters only: pages in id order straight from the index; the counts over the first `bound` objects.
      where.push('d.seq = 0');
      ctes = `hits AS MATERIALIZED (SELECT d.object_id, d.type, 0::numeric AS score FROM doc d WHERE ${where.join(' AND ')} LIMIT ${bound})`;
      cutSql = `(SELECT count(*) FROM hits) >= ${bound}`;
      const after = cursor ? ` AND d.object_id > ${p.add(cursor.id)}::uuid` : '';
      pageSql = `SELECT d.object_id, d.type, '0' AS score FROM doc d WHERE ${where.join(' AND ')}${after} ORDER BY d.object_id LIMIT ${limit}`;
    }
    const facetSelects = req.facets.map((name) => {
      const n = p.add(name);
      const vis = visibleSql(p, viewer, 'f');
      return `(SELECT coalesce(json_agg(json_build_object('value', value, 'count', count) ORDER BY count DESC, value), '[]') FROM (
          SELECT v.x #>> '{}' AS value, count(DISTINCT f.object_id)::int AS count
          FROM hits h JOIN doc f ON f.tenant = ${t} AND f.object_id = h.object_id AND ${vis} AND f.props ? ${n}
          CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.props -> ${n}) = 'array' THEN f.props -> ${n} ELSE jsonb_build_array(f.props -> ${n}) END) v(x)
          WHERE jsonb_typeof(v.x) IN ('string', 'number', 'boolean')
          GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50) fb)`;
    });
    const sql = `
      WITH ${ctes}
      SELECT
        (SELECT coalesce(json_agg(pg ORDER BY pg.score DESC, pg.object_id), '[]') FROM (${pageSql}) pg) AS page,
        (SELECT count(*)::int FROM hits) AS total,
        (${cutSql}) AS cut,
        (SELECT coalesce(json_agg(json_build_object('value', type, 'count', count) ORDER BY count DESC, type), '[]') FROM (
           SELECT type, count(*)::int AS count FROM hits GROUP BY type) tf) AS types
        ${facetSelects.map((s, i) => `, ${s} AS facet_${i}`).join('')}`;
    const res = await this.db.query<Record<string, unknown>>(sql, p.values);
    const row = res.rows[0];
    const pageRows = row.page as HitRow[];
    const more = pageRows.length > req.limit;
    const hits = pageRows.slice(0, req.limit);
    const items = await this.describe(viewer, hits, q);
    const last = hits[hits.length - 1];
    const properties: Record<string, FacetBucket[]> = {};
    req.facets.forEach((name, i) => (properties[name] = (row[`facet_${i}`] as FacetBucket[]).map((b) => ({ value: String(b.value), count: b.count }))));
    return {
      items,
      nextCursor: more && last ? encodeCursor({ s: last.score, id: last.object_id, h: hash }) : null,
      total: row.total as number,
      totalExact: !(row.cut as boolean),
      facets: { types: row.types as FacetBucket[], properties },
    };
  }

  /**
   * The skeleton ts query of a fuzzy query: for each token whose own skeleton carries evidence
   * (≥ 2 consonants), its skeleton OR those of the vocabulary tokens it may be a typo or a
   * transliteration of (trigram-similar, within 1–2 edits); all tokens AND-ed. Only vocabulary
   * rows of a marking the reader may see are used. Null when no token qualifies.
   */
  private async fuzzySkeletons(viewer: Viewer, q: string): Promise<string | null> {
    const tokens = [...new Set(nameTokens(q))].filter((t) => nameSkeleton(t).length >= 2);
    if (!tokens.length) return null;
    const p = new Params();
    const t = p.add(viewer.tenant);
    const toks = p.add(tokens);
    const vis = visibleSql(p, viewer, 'v');
    const res = await this.db.query<{ tok: string; token: string }>(
      `SELECT q.tok, x.token FROM unnest(${toks}::text[]) AS q(tok)
       CROSS JOIN LATERAL (
         SELECT v.token, max(similarity(v.token, q.tok)) AS s FROM name_token v
         WHERE v.tenant = ${t} AND ${vis} AND v.token % q.tok
         GROUP BY v.token ORDER BY s DESC, v.token LIMIT ${FUZZY_EXPANSIONS}) x`,
      p.values,
    );
    const groups = tokens.map((tok) => new Set([nameSkeleton(tok)]));
    for (const r of res.rows) {
      const i = tokens.indexOf(r.tok);
      const max = r.tok.length >= 5 ? 2 : 1;
      const s = nameSkeleton(r.token);
      if (i >= 0 && s.length >= 2 && boundedLevenshtein(r.token, r.tok, max) <= max) groups[i].add(s);
    }
    return groups.map((g) => (g.size > 1 ? `(${[...g].sort().join(' | ')})` : [...g][0])).join(' & ');
  }

  /** Title, markings, highlights, time and place of a page of hits — from what the reader may see only. */
  private async describe(viewer: Viewer, hits: HitRow[], q: string): Promise<SearchHit[]> {
    if (!hits.length) return [];
    const p = new Params();
    const t = p.add(viewer.tenant);
    const ids = p.add(hits.map((h) => h.object_id));
    const visO = visibleSql(p, viewer, 'o');
    const visTitle = visibleSql(p, viewer, 'o', 'title_level', 'title_compartments');
    const visD = visibleSql(p, viewer, 'd');
    const res = await this.db.query<{
      id: string;
      title: string | null;
      level: number;
      compartments: string[];
      docs: { fields: Record<string, string>; at: string | null; lat: number | null; lon: number | null }[] | null;
    }>(
      `SELECT o.id, CASE WHEN ${visTitle} THEN o.title END AS title, o.level, o.compartments,
              (SELECT json_agg(json_build_object('fields', d.fields, 'at', d.at, 'lat', d.lat, 'lon', d.lon) ORDER BY d.seq)
                 FROM doc d WHERE d.tenant = ${t} AND d.object_id = o.id AND ${visD}) AS docs
       FROM object o WHERE o.tenant = ${t} AND o.id = ANY (${ids}::uuid[]) AND ${visO} AND NOT o.deleted`,
      p.values,
    );
    const byId = new Map(res.rows.map((r) => [r.id, r]));
    const terms = highlightTerms(q);
    const out: SearchHit[] = [];
    for (const h of hits) {
      const r = byId.get(h.object_id);
      if (!r) continue; // changed between the two statements: never return what is not visible now
      const docs = r.docs ?? [];
      const highlights: SearchHit['highlights'] = [];
      for (const d of docs) {
        for (const [property, text] of Object.entries(d.fields)) {
          const fragment = highlight(text, terms);
          if (fragment) highlights.push({ property, fragment });
        }
      }
      const dated = docs.find((d) => d.at !== null);
      const placed = docs.find((d) => d.lat !== null && d.lon !== null);
      out.push({
        id: r.id,
        type: h.type,
        title: r.title,
        score: Number(h.score),
        markings: markingOf(r.level, r.compartments),
        highlights,
        time: dated?.at ? new Date(dated.at).toISOString() : null,
        geo: placed ? { lat: placed.lat as number, lon: placed.lon as number } : null,
      });
    }
    return out;
  }
}
