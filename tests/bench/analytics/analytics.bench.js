#!/usr/bin/env node
// Analytics benchmark. Generates, inside PostgreSQL and set-based (generate_series, seeded random()),
// a graph with a power-law degree distribution (preferential endpoints: P(degree = k) ~ k^-3) and
// one searchable name per object — names drawn from a pool of distinct names whose search columns
// are built by the projector's own code — straight into the projection tables the queries read,
// for the dedicated tenant `bench` (realm tests/bench/analytics/realms/bench.yaml, reconciled by the
// benchmark when its user bench-np cannot log in): the tenant gets
// partitions of its own of `object`, `doc` and `link` (tenantPartitionSql of
// @vigie/analytics-data-access), filled as bare tables, indexed by sorting, vacuumed (visibility map)
// and attached — the fastest way PostgreSQL loads, and nothing of the other tenants' indexes is touched.
// Then it measures p50/p95 of search, 2-hop neighbourhood and shortest path
//   - through the gateway (HTTP → NATS → analytics: token verified, markings in SQL, audited),
//   - in process (the service's query code over its own pg pool, no HTTP/NATS/audit), and
//   - as plain SQL in the same run (the baseline): one ranked statement for search (whole-name
//     trigram + skeleton + full text, as a first implementation would write it), two joins for
//     2 hops, a recursive CTE for shortest paths — the same markings predicate in each,
// plus the projector's throughput on events published to the ONTOLOGY stream.
//
//   node tests/bench/analytics/analytics.bench.js [--objects 200000] [--links 1000000] [--queries 200]
//        [--names 100000] [--tenant bench] [--user bench-np] [--seed 7] [--events 4000] [--reuse] [--load-only] [--cleanup]
//
// The generated tenant is KEPT after a run; --reuse measures on it again when its counts match
// (else it is regenerated); --load-only generates (or reuses) and stops; --cleanup drops the tenant's partitions and vocabulary and exits.
// The issue's full size is --objects 1000000 --links 5000000.
'use strict';
require('../lib/register-ts');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { Readable } = require('node:stream');
const { Pool } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
const { connect, JSONCodec } = require('nats');
const launcher = require('../../../scripts/lib/services.cjs');
const {
  AnalyticsDb,
  GraphQueryService,
  GraphRepository,
  SearchRepository,
  projectObject,
  typeHints,
  TSV_SQL,
  visibleSql,
  Params,
  tenantPartitionSql,
  tenantPartitionName,
  normaliseName,
  nameTokens,
  nameSkeleton,
} = require('@vigie/analytics-data-access');
const { searchRequestSchema, neighbourhoodRequestSchema, pathsRequestSchema } = require('@vigie/analytics-contracts');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  return typeof fallback === 'number' ? Number(v) : v;
}
const flag = (name) => process.argv.includes(`--${name}`);

const N = arg('objects', 200_000);
const M = arg('links', 1_000_000);
const Q = arg('queries', 200);
const TENANT = arg('tenant', 'bench');
const USER = arg('user', 'bench-np');
const SEED = arg('seed', 7);
const EVENTS = arg('events', 4000);
/** Distinct names generated (their vectors computed once); objects draw their name from them. */
const POOL = arg('names', 100_000);
const log = (msg) => process.stderr.write(`[analytics-bench] ${msg}\n`);

// Deterministic PRNG (mulberry32).
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const pick = (list) => list[Math.floor(rand() * list.length)];

const FIRST = ['Jean', 'Marie', 'Pierre', 'Sophie', 'Luc', 'Camille', 'Hélène', 'François', 'Élodie', 'Thomas', 'Nicolas', 'Julie', 'Antoine', 'Chloé', 'Mathieu',
  'John', 'Mary', 'James', 'Emma', 'Oliver', 'Olivia', 'George', 'Amelia', 'Mohamed', 'Ahmed', 'Fatima', 'Youssef', 'Karim', 'Leila', 'Omar', 'Samir',
  'Sergei', 'Dmitri', 'Ivan', 'Olga', 'Natalia', 'Aleksandr', 'Tatiana', 'Mikhail', 'Pablo', 'Lucia', 'Giulia', 'Marco', 'Ana', 'Jonas', 'Lena', 'Ines'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia',
  'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Benali', 'Haddad', 'Mansour',
  'Khalil', 'Saleh', 'Nasser', 'Ivanov', 'Petrov', 'Smirnov', 'Volkov', 'Sokolov', 'Popov', 'Lebedev', 'Kozlov', 'Novak', 'Rossi', 'Russo', 'Ferrari', 'Schmidt'];
const CYR_FIRST = ['Сергей', 'Дмитрий', 'Иван', 'Ольга', 'Наталья', 'Михаил'];
const CYR_LAST = ['Иванов', 'Петров', 'Смирнов', 'Волков', 'Соколов', 'Попов'];
const AR_FIRST = ['محمد', 'أحمد', 'فاطمة', 'يوسف', 'كريم', 'ليلى', 'عمر'];
const AR_LAST = ['علي', 'حداد', 'منصور', 'خليل', 'صالح', 'ناصر'];
const TYPES = [['Person', 0.6], ['Organization', 0.15], ['Phone', 0.15], ['Location', 0.1]];

function nameFor(type, i) {
  const r = rand();
  if (type === 'Person') {
    if (r < 0.04) return `${pick(CYR_FIRST)} ${pick(CYR_LAST)}`;
    if (r < 0.08) return `${pick(AR_FIRST)} ${pick(AR_LAST)}`;
    const middle = rand() < 0.3 ? ` ${pick(FIRST)}` : '';
    const second = rand() < 0.3 ? `-${pick(LAST)}` : '';
    return `${pick(FIRST)}${middle} ${pick(LAST)}${second}`;
  }
  if (type === 'Organization') return `${pick(LAST)} ${pick(['SARL', 'SA', 'Holding', 'Trading', 'Logistics', 'Consulting', 'Import Export'])} ${i % 997}`;
  if (type === 'Phone') return `+33 6 ${String(10 + (i % 89)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')} ${String((i * 7) % 100).padStart(2, '0')} ${String((i * 13) % 100).padStart(2, '0')}`;
  return `${pick(['Rue', 'Avenue', 'Boulevard', 'Quai'])} ${pick(LAST)} ${1 + (i % 200)}, ${pick(['Paris', 'Lyon', 'Marseille', 'Lille', 'Nantes', 'Bordeaux'])}`;
}

function markingFor(r) {
  if (r < 0.9) return { level: 'NP', compartments: [] };
  if (r < 0.97) return { level: 'DR', compartments: [] };
  if (r < 0.99) return { level: 'S', compartments: [] };
  return { level: 'S', compartments: ['op-ambre'] };
}
const LEVEL = ['NP', 'DR', 'S', 'TS'];
const pgArray = (list) => `{${list.join(',')}}`;
const esc = (v) => (v === null || v === undefined ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));
const line = (cols) => `${cols.map(esc).join('\t')}\n`;

async function copyRows(client, sql, chunks) {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

function* chunked(gen, size = 2000) {
  let buf = '';
  let n = 0;
  for (const l of gen) {
    buf += l;
    if (++n % size === 0) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** SQL of the id of row `i` (prefix, md5 scramble so ids are not in insertion order, version 8, variant 8, i). */
const benchId = (prefix, salt, i) =>
  `('${prefix}' || substr(md5('${salt}' || ${i}), 1, 8) || '8' || substr(md5('${salt}' || ${i}), 9, 3) || '8' || substr(md5('${salt}' || ${i}), 12, 3) || lpad(to_hex(${i}), 12, '0'))::uuid`;

/** A fresh id inside a reserved range (removed with the benchmark rows; variant 9 where the generated rows have 8). */
const rangeId = (prefix) => {
  const h = randomUUID().replace(/-/g, '');
  return `${prefix}${h.slice(4, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-9${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** Distinct names per type, their search columns computed by the projector's own code (vectors by PostgreSQL, as the projector does). */
function namePool(size) {
  const pool = [];
  for (const [type, share] of TYPES) {
    const n = Math.max(1, Math.round(size * share));
    for (let k = 0; k < n; k++) {
      const name = nameFor(type, k);
      const view = { id: '00000000-0000-4000-8000-000000000000', type, version: 1, title: name, markings: { level: 'NP', compartments: [] }, provenance: { source: 'bench' },
        properties: { name: { value: name, marking: { level: 'NP', compartments: [] }, provenance: { source: 'bench' } } }, entityId: null,
        createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', deletedAt: null };
      const d = projectObject(view, typeHints(undefined, type)).docs[0];
      pool.push({ type, k, title: name, titleText: d.titleText, body: d.bodyText, names: d.names, skel: d.skeletons });
    }
  }
  return pool;
}

/** Drops the tenant's partitions, vocabulary and any row of it left in the default partitions (projector events). */
async function removeBenchTenant(client) {
  const t0 = Date.now();
  await client.query(`SET search_path TO analytics, public`);
  for (const sql of tenantPartitionSql(TENANT).drop) await client.query(sql);
  for (const table of ['link', 'doc', 'object', 'name_token', 'tenant_ontology']) await client.query(`DELETE FROM ${table} WHERE tenant = $1`, [TENANT]);
  return Date.now() - t0;
}

/**
 * Set-based generation inside PostgreSQL (generate_series, seeded random()): N objects with one
 * searchable name each (drawn from a pool of distinct names whose vectors are computed once), M
 * links whose ends are drawn with preferential endpoints — the end of rank r is chosen with
 * probability ~ r^-½ (rank = N·u², u uniform), so P(degree = k) ~ k^-3 — through a random
 * permutation of the objects. Markings: objects 90 % NP, 7 % DR, 2 % S, 1 % S/op-ambre; links 95 % NP.
 */
async function load(pool) {
  const client = await pool.connect();
  const times = {};
  try {
    await client.query(`SET search_path TO analytics, public`);
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    log(`removing the earlier data of tenant ${TENANT}`);
    times.cleanupMs = await removeBenchTenant(client);
    // Unlogged: no WAL for 1.5 GB of rows and indexes; a disposable tenant (emptied if PostgreSQL crashes — regenerate).
    const part = tenantPartitionSql(TENANT, { unlogged: true });
    const table = (t) => tenantPartitionName(t, TENANT);
    for (const sql of part.create) await client.query(sql);
    let t0 = Date.now();
    const names = namePool(Math.min(N, POOL));
    await client.query(`CREATE TEMP TABLE bench_pool (type text, k int, title text, title_text text, body text, names text, skel text)`);
    await copyRows(client, `COPY bench_pool FROM STDIN`, chunked((function* () {
      for (const p of names) yield line([p.type, p.k, p.title, p.titleText, p.body, p.names, p.skel]);
    })()));
    await client.query(`CREATE TEMP TABLE bench_pool_v AS SELECT p.*, ${TSV_SQL('p.title_text', 'p.body')} AS tsv, to_tsvector('simple', p.skel) AS skelv FROM bench_pool p`);
    await client.query(`CREATE UNIQUE INDEX ON bench_pool_v (type, k)`);
    await client.query(`ANALYZE bench_pool_v`);
    times.namePoolMs = Date.now() - t0;
    const counts = Object.fromEntries((await client.query(`SELECT type, count(*)::int AS n FROM bench_pool_v GROUP BY type`)).rows.map((r) => [r.type, r.n]));
    t0 = Date.now();
    await client.query(`SELECT setseed($1)`, [((SEED % 1000) / 1000)]);
    // Object i: type, marking, pool name, optional birth date (persons) and place; rank = its place in the random permutation.
    await client.query(`
      CREATE TEMP TABLE bench_obj AS
      SELECT i, ${benchId('be9c', 'o', 'i')} AS id, type, level, CASE WHEN lr >= 0.99 THEN '{op-ambre}'::text[] ELSE '{}'::text[] END AS compartments,
             floor(random() * CASE type ${Object.entries(counts).map(([t, n]) => `WHEN '${t}' THEN ${n}`).join(' ')} END)::int AS k,
             CASE WHEN type = 'Person' AND random() < 0.5 THEN (1940 + floor(random() * 65))::int || '-0' || (1 + floor(random() * 9))::int || '-1' || floor(random() * 9)::int END AS birth,
             CASE WHEN random() < 0.3 THEN 43 + random() * 7 END AS lat, -1 + random() * 8 AS lon, random() AS shuffle
      FROM (SELECT i, random() AS tr, random() AS lr FROM generate_series(0, ${N - 1}) i) g,
           LATERAL (SELECT CASE WHEN tr < 0.6 THEN 'Person' WHEN tr < 0.75 THEN 'Organization' WHEN tr < 0.9 THEN 'Phone' ELSE 'Location' END AS type,
                           CASE WHEN lr < 0.9 THEN 0 WHEN lr < 0.97 THEN 1 ELSE 2 END AS level) x`);
    await client.query(`CREATE TEMP TABLE bench_rank AS SELECT (row_number() OVER (ORDER BY shuffle) - 1)::int AS rank, id, type, level, compartments FROM bench_obj`);
    await client.query(`CREATE UNIQUE INDEX ON bench_rank (rank)`);
    times.objectsGeneratedMs = Date.now() - t0;
    t0 = Date.now();
    await client.query(`
      INSERT INTO ${table('object')} (tenant, id, type, version, level, compartments, deleted, entity_id, title, title_level, title_compartments, occurred_at)
      SELECT $1, o.id, o.type, 1, o.level, o.compartments, false, NULL, p.title, o.level, o.compartments, now()
      FROM bench_obj o JOIN bench_pool_v p ON p.type = o.type AND p.k = o.k`, [TENANT]);
    times.objectsMs = Date.now() - t0;
    t0 = Date.now();
    await client.query(`
      INSERT INTO ${table('doc')} (tenant, object_id, seq, type, level, compartments, deleted, fields, props, tsv, names, skel, at, lat, lon)
      SELECT $1, o.id, 0, o.type, o.level, o.compartments, false,
             jsonb_strip_nulls(jsonb_build_object('name', p.title, 'birthDate', o.birth)),
             jsonb_strip_nulls(jsonb_build_object('name', p.title, 'birthDate', o.birth, 'location', CASE WHEN o.lat IS NOT NULL THEN jsonb_build_object('lat', o.lat, 'lon', o.lon) END)),
             CASE WHEN o.birth IS NULL THEN p.tsv ELSE p.tsv || to_tsvector('simple', o.birth) END, p.names, p.skelv,
             (o.birth || 'T00:00:00Z')::timestamptz, o.lat, CASE WHEN o.lat IS NOT NULL THEN o.lon END
      FROM bench_obj o JOIN bench_pool_v p ON p.type = o.type AND p.k = o.k
`, [TENANT]);
    times.docsMs = Date.now() - t0;
    t0 = Date.now();
    await client.query(`
      INSERT INTO ${table('link')} (tenant, id, type, from_id, to_id, directed, version, level, compartments, deleted, valid_from, valid_to, from_type, from_level,
                        from_compartments, from_deleted, to_type, to_level, to_compartments, to_deleted, occurred_at)
      SELECT $1, ${benchId('be9d', 'l', 'g.j')}, (ARRAY['knows', 'calls', 'works_for', 'located_at', 'owns'])[1 + floor(g.tr * 5)::int], a.id, b.id, false, 1,
             CASE WHEN g.lr < 0.95 THEN 0 WHEN g.lr < 0.985 THEN 1 ELSE 2 END, CASE WHEN g.lr >= 0.995 THEN '{op-ambre}'::text[] ELSE '{}'::text[] END, false,
             CASE WHEN g.vr < 0.3 THEN make_date(2010 + floor(g.vr * 50)::int, 1, 1)::timestamptz END, NULL,
             a.type, a.level, a.compartments, false, b.type, b.level, b.compartments, false, now()
      FROM (SELECT j, floor(${N} * random() ^ 2)::int AS ra, floor(${N} * random() ^ 2)::int AS rb, random() AS tr, random() AS lr, random() AS vr
            FROM generate_series(0, ${M - 1}) j) g
      JOIN bench_rank a ON a.rank = g.ra
      JOIN bench_rank b ON b.rank = CASE WHEN g.rb = g.ra THEN (g.ra + 1) % ${N} ELSE g.rb END
`, [TENANT]);
    times.linksMs = Date.now() - t0;
    t0 = Date.now();
    log('indexing (sorted builds)');
    for (const sql of part.index) await client.query(sql);
    times.indexesMs = Date.now() - t0;
    t0 = Date.now();
    for (const sql of part.vacuum) await client.query(sql);
    times.vacuumAnalyzeMs = Date.now() - t0;
    t0 = Date.now();
    // Rows of the tenant the projector may have put in the default partitions meanwhile would block ATTACH.
    for (const t of ['link', 'doc', 'object']) await client.query(`DELETE FROM ${t} WHERE tenant = $1`, [TENANT]);
    for (const sql of part.attach) await client.query(sql);
    // The name vocabulary (the trigger of \`doc\` fires on inserts through the parent, not on ATTACH).
    await client.query(`
      INSERT INTO name_token (tenant, token, level, compartments)
      SELECT DISTINCT d.tenant, t.token, d.level, d.compartments
      FROM ${table('doc')} d CROSS JOIN LATERAL regexp_split_to_table(d.names, '[ |]+') AS t(token)
      WHERE t.token <> '' AND length(t.token) <= 64
      ON CONFLICT DO NOTHING`);
    await client.query('ANALYZE name_token');
    times.attachMs = Date.now() - t0;
    await client.query('DROP TABLE bench_pool, bench_pool_v, bench_obj, bench_rank');
    return times;
  } finally {
    client.release();
  }
}

/** Degree distribution of the generated graph (both ends count). */
async function degreeStats(pool) {
  const r = await pool.query(`
    WITH ends AS (SELECT from_id AS id FROM analytics.link WHERE tenant = $1
                  UNION ALL SELECT to_id FROM analytics.link WHERE tenant = $1),
         d AS (SELECT count(*) AS k FROM ends GROUP BY id)
    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY k)::int AS p50, percentile_disc(0.9) WITHIN GROUP (ORDER BY k)::int AS p90,
           percentile_disc(0.99) WITHIN GROUP (ORDER BY k)::int AS p99, max(k)::int AS max, ($2::int - count(*))::int AS isolated FROM d`, [TENANT, N]);
  return r.rows[0];
}

/** Objects of the benchmark (seeded sample) to ask for. */
async function sampleObjects(pool, n, where) {
  const r = await pool.query(
    `SELECT id, type, title, level, compartments FROM analytics.object WHERE tenant = $1 AND ${where}
     ORDER BY md5(id::text || $2) LIMIT $3`, [TENANT, String(SEED), n]);
  return r.rows;
}
const pct = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 100) / 100;
};

let token = { value: '', at: 0 };
let realmReconciled = false;
async function bearer(stack) {
  if (Date.now() - token.at < 60_000) return token.value;
  const password = fs.readFileSync(path.join(stack.VIGIE_STATE_DIR ?? launcher.stateDir(), 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();
  const res = await fetch(`${stack.KEYCLOAK_URL}/realms/${TENANT}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username: USER, password }),
  });
  const body = await res.json().catch(() => ({}));
  if (!body.access_token && TENANT === 'bench' && !realmReconciled) {
    // The bench realm is not one of config/realms: reconcile it (idempotent), then log in again.
    log('reconciling the bench realm (tests/bench/analytics/realms)');
    launcher.runCommand('identity', 'reconcile-realms', { overrides: { REALMS_DIR: path.join(__dirname, 'realms') } });
    realmReconciled = true;
    return bearer(stack);
  }
  if (!body.access_token) throw new Error(`login ${USER}@${TENANT} failed: ${res.status} ${body.error ?? ''}`);
  token = { value: body.access_token, at: Date.now() };
  return token.value;
}

async function viaGateway(stack, base, route, body) {
  const auth = await bearer(stack);
  const res = await fetch(`${base}/api/v1${route}`, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`${route} → ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

function typo(name) {
  const chars = [...name];
  const i = 1 + Math.floor(rand() * Math.max(1, chars.length - 3));
  if (chars[i + 1] === undefined || chars[i] === ' ' || chars[i + 1] === ' ') return name;
  [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
  return chars.join('');
}

/** Plain SQL search: the same ranked match written as one statement (no paging cursor, facets, highlights, service, NATS or audit). */
function plainSearchSql(viewer, q) {
  const p = new Params();
  const t = p.add(viewer.tenant);
  const qp = p.add(q);
  const qn = p.add(normaliseName(q));
  const sk = [...new Set(nameTokens(q).map(nameSkeleton).filter((s) => s.length >= 3))];
  const skp = p.add(sk.length ? sk.join(' & ') : 'zzzzzz');
  const tsq = `(websearch_to_tsquery('french', unaccent(${qp})) || websearch_to_tsquery('english', unaccent(${qp})) || websearch_to_tsquery('simple', unaccent(${qp})))`;
  const vis = visibleSql(p, viewer, 'd');
  return {
    text: `SELECT d.object_id, max(greatest(ts_rank(d.tsv, ${tsq}, 32), word_similarity(${qn}, d.names),
                  CASE WHEN d.skel @@ to_tsquery('simple', ${skp}) THEN 0.45 ELSE 0 END)) AS score
           FROM doc d WHERE d.tenant = ${t} AND ${vis} AND NOT d.deleted
             AND (d.tsv @@ ${tsq} OR ${qn} <% d.names OR d.skel @@ to_tsquery('simple', ${skp}))
           GROUP BY d.object_id ORDER BY score DESC, d.object_id LIMIT 21`,
    values: p.values,
  };
}

/** Plain SQL 2-hop neighbourhood: one self-join, the same visibility predicate, the same size limit. */
function plainTwoHopSql(viewer, seed, limit) {
  const p = new Params();
  const t = p.add(viewer.tenant);
  const s = p.add(seed);
  const v1 = visibleSql(p, viewer, 'l1', 'eff_level', 'eff_compartments');
  const v2 = visibleSql(p, viewer, 'l2', 'eff_level', 'eff_compartments');
  const lim = p.add(limit + 1);
  return {
    text: `WITH e1 AS (
             SELECT l1.id, CASE WHEN l1.from_id = ${s}::uuid THEN l1.to_id ELSE l1.from_id END AS n FROM link l1
             WHERE l1.tenant = ${t} AND (l1.from_id = ${s}::uuid OR l1.to_id = ${s}::uuid) AND l1.alive AND ${v1}
           ), e2 AS (
             SELECT l2.id, CASE WHEN l2.from_id = e1.n THEN l2.to_id ELSE l2.from_id END AS n FROM e1 JOIN link l2
               ON l2.tenant = ${t} AND (l2.from_id = e1.n OR l2.to_id = e1.n) AND l2.alive AND ${v2}
           )
           SELECT DISTINCT n FROM (SELECT n FROM e1 UNION ALL SELECT n FROM e2) x LIMIT ${lim}`,
    values: p.values,
  };
}

/** Plain SQL shortest path: a recursive CTE walking visible links breadth-first, a path array against cycles. */
function plainPathSql(viewer, from, to, maxHops) {
  const p = new Params();
  const t = p.add(viewer.tenant);
  const f = p.add(from);
  const g = p.add(to);
  const h = p.add(maxHops);
  const v = visibleSql(p, viewer, 'l', 'eff_level', 'eff_compartments');
  const next = `CASE WHEN l.from_id = w.node THEN l.to_id ELSE l.from_id END`;
  return {
    text: `WITH RECURSIVE walk(node, path, depth) AS (
             SELECT ${f}::uuid, ARRAY[${f}::uuid], 0
             UNION ALL
             SELECT ${next}, w.path || ${next}, w.depth + 1
             FROM walk w JOIN link l ON l.tenant = ${t} AND (l.from_id = w.node OR l.to_id = w.node) AND l.alive AND ${v}
             WHERE w.depth < ${h} AND w.node <> ${g}::uuid AND NOT (${next} = ANY (w.path))
           )
           SELECT path FROM walk WHERE node = ${g}::uuid ORDER BY depth LIMIT 1`,
    values: p.values,
  };
}

async function projectorThroughput(stack, objects) {
  // Events for fresh copies of some objects (new ids) and links between them, published as the ontology does; timed until the lag is 0.
  const nc = await connect({ servers: stack.NATS_URL, user: 'ontology', pass: stack.VIGIE_NATS_PASSWORD_ONTOLOGY, inboxPrefix: '_INBOX_ontology' });
  const admin = await connect({ servers: stack.NATS_URL, user: 'setup', pass: stack.VIGIE_NATS_PASSWORD_SETUP });
  const codec = JSONCodec();
  const js = nc.jetstream();
  const jsm = await admin.jetstreamManager();
  const copies = objects.slice(0, Math.floor(EVENTS / 2)).map((o) => ({ ...o, id: rangeId('be9c') }));
  const envelope = () => ({ eventId: randomUUID(), tenant: TENANT, occurredAt: new Date().toISOString(), actor: { subject: 'bench', kind: 'service' } });
  const events = copies.map((o) => ['ontology.v1.events.object.changed', { ...envelope(), change: 'created', object: o }]);
  copies.forEach((a, i) => {
    const b = copies[(i * 7 + 1) % copies.length];
    const link = { id: rangeId('be9d'), type: 'knows', fromId: a.id, toId: b.id, directed: false, version: 1, markings: { level: 'NP', compartments: [] },
      provenance: { source: 'bench' }, properties: {}, validFrom: null, validTo: null, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', deletedAt: null };
    events.push(['ontology.v1.events.link.changed', { ...envelope(), change: 'created', link }]);
  });
  const before = await jsm.consumers.info('ONTOLOGY', 'analytics-projector');
  const t0 = Date.now();
  const inflight = [];
  for (const [subject, payload] of events) {
    inflight.push(js.publish(subject, codec.encode(payload), { msgID: payload.eventId }));
    if (inflight.length >= 256) await Promise.all(inflight.splice(0));
  }
  await Promise.all(inflight);
  const publishMs = Date.now() - t0;
  for (;;) {
    const info = await jsm.consumers.info('ONTOLOGY', 'analytics-projector');
    if (info.num_pending + info.num_ack_pending === 0) break;
    if (Date.now() - t0 > 300_000) throw new Error('the projector did not catch up within 5 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
  const appliedMs = Date.now() - t0;
  const after = await jsm.consumers.info('ONTOLOGY', 'analytics-projector');
  // Other publishers may share the stream: the rate counts every event applied meanwhile.
  const applied = after.ack_floor.stream_seq - before.ack_floor.stream_seq;
  await nc.drain();
  await admin.close();
  return { published: events.length, backlogBefore: before.num_pending + before.num_ack_pending, eventsApplied: applied, appliedMs, publishMs, eventsPerSecond: Math.round((applied / appliedMs) * 1000) };
}

async function main() {
  const stack = launcher.loadStackEnv();
  const base = process.env.ANALYTICS_BENCH_GATEWAY_URL ?? `http://127.0.0.1:${launcher.SERVICES.find((s) => s.name === 'gateway').httpPort}`;
  const adminPool = new Pool({ connectionString: stack.VIGIE_DB_URL_ANALYTICS, max: 2 });
  const result = {
    machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 10) / 10) },
    params: { objects: N, links: M, searchableNames: N, queries: Q, tenant: TENANT, user: USER, seed: SEED },
  };
  let t0 = Date.now();
  if (flag('cleanup')) {
    const client = await adminPool.connect();
    try {
      log(`dropping tenant ${TENANT}'s partitions and vocabulary`);
      process.stdout.write(`${JSON.stringify({ cleanup: { tenant: TENANT, ms: await removeBenchTenant(client) } })}\n`);
    } finally {
      client.release();
    }
    await adminPool.end();
    return;
  }
  // Generated rows have variant 8 (projector-throughput copies variant 9).
  const generated = `tenant = $1 AND substr(id::text, 20, 1) = '8'`;
  const partitioned = await adminPool.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`analytics.${tenantPartitionName('link', TENANT)}`]);
  const existing = partitioned.rows[0].ok ? await adminPool.query(`SELECT count(*)::int AS n FROM analytics.link WHERE ${generated}`, [TENANT]) : { rows: [{ n: -1 }] };
  const existingObjects = partitioned.rows[0].ok ? await adminPool.query(`SELECT count(*)::int AS n FROM analytics.object WHERE ${generated}`, [TENANT]) : { rows: [{ n: -1 }] };
  if (flag('reuse') && existing.rows[0].n === M && existingObjects.rows[0].n === N) {
    log('reusing the loaded graph');
    result.load = 'reused';
  } else {
    log(`generating ${N} objects and ${M} links in PostgreSQL (set-based)`);
    result.load = { ...(await load(adminPool)), totalMs: Date.now() - t0 };
  }
  t0 = Date.now();
  result.graph = { degrees: await degreeStats(adminPool), statsMs: Date.now() - t0 };
  log(`graph: ${JSON.stringify(result.graph)}`);
  if (flag('load-only')) {
    await adminPool.end();
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const db = new AnalyticsDb({ url: stack.VIGIE_DB_URL_ANALYTICS, schema: 'analytics', max: 4, applicationName: 'analytics-bench' });
  const search = new SearchRepository(db);
  const graph = new GraphQueryService(new GraphRepository(db));
  const viewer = { tenant: TENANT, clearance: 'NP', compartments: [] };
  const people = await sampleObjects(adminPool, Q, `type = 'Person' AND level = 0 AND compartments = '{}'`);
  const visible = await sampleObjects(adminPool, 3 * Q, `level = 0 AND compartments = '{}'`);
  const sample = (n, f) => Array.from({ length: n }, () => f());

  // Search: names of loaded people — half with two letters swapped, a quarter with the tokens reversed.
  const queries = sample(Q, () => {
    const o = pick(people);
    const r = rand();
    return { id: o.id, q: r < 0.5 ? typo(o.title) : r < 0.75 ? o.title.split(' ').reverse().join(' ') : o.title };
  });
  const seeds = sample(Q, () => pick(visible).id);
  const pairs = sample(Q, () => [pick(visible).id, pick(visible).id]);

  log('warming up');
  for (const { q } of queries.slice(0, 20)) {
    await search.search(viewer, searchRequestSchema.parse({ q }));
    await viaGateway(stack, base, '/search', { q });
  }

  const measure = async (label, items, fn) => {
    log(`${label} (${items.length})`);
    const times = [];
    let errors = 0;
    let lastError;
    let hits = 0;
    for (const item of items) {
      const t = process.hrtime.bigint();
      try {
        const r = await fn(item);
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (r === true) hits++;
      } catch (error) {
        errors++;
        lastError = String(error.message).slice(0, 200);
      }
    }
    return { n: times.length, p50Ms: pct(times, 0.5), p95Ms: pct(times, 0.95), maxMs: pct(times, 1), found: hits, errors, ...(lastError ? { lastError } : {}) };
  };

  const pool = db.pool;
  result.search = {
    gateway: await measure('search via gateway', queries, async ({ id, q }) => (await viaGateway(stack, base, '/search', { q })).items.some((i) => i.id === id)),
    inProcess: await measure('search in process', queries, async ({ id, q }) => (await search.search(viewer, searchRequestSchema.parse({ q }))).items.some((i) => i.id === id)),
    plainSql: await measure('search plain SQL', queries, async ({ id, q }) => (await pool.query(plainSearchSql(viewer, q))).rows.slice(0, 20).some((r) => r.object_id === id)),
    note: '`found`: the object whose (mangled) name was asked for is on the first page of 20 — names repeat in the generated data, so ties are expected',
  };
  result.twoHop = {
    gateway: await measure('2-hop via gateway', seeds, async (id) => (await viaGateway(stack, base, '/graph/neighbourhood', { ids: [id], hops: 2, limit: 500 })).truncated),
    inProcess: await measure('2-hop in process', seeds, async (id) => (await graph.neighbourhood(viewer, neighbourhoodRequestSchema.parse({ ids: [id], hops: 2, limit: 500 }))).truncated),
    plainSql: await measure('2-hop plain SQL', seeds, async (id) => (await pool.query(plainTwoHopSql(viewer, id, 500))).rows.length > 500),
    note: '`found`: answers cut by the 500-node limit',
  };
  result.shortestPath = {
    gateway: await measure('paths via gateway', pairs, async ([a, b]) => (await viaGateway(stack, base, '/graph/paths', { fromId: a, toId: b, maxHops: 4 })).paths.length > 0),
    inProcess: await measure('paths in process', pairs, async ([a, b]) => (await graph.paths(viewer, pathsRequestSchema.parse({ fromId: a, toId: b, maxHops: 4 }))).paths.length > 0),
  };
  // The recursive CTE enumerates walks (no global visited set in SQL): bounded by a statement timeout.
  const cte = await pool.connect();
  try {
    await cte.query(`SET statement_timeout = '5s'`);
    const few = pairs.slice(0, Math.min(Q, 50));
    result.shortestPath.plainSqlRecursiveCte = await measure('paths recursive CTE', few, async ([a, b]) => (await cte.query(plainPathSql(viewer, a, b, 4))).rows.length > 0);
    result.shortestPath.note = '`found`: pairs with a path of ≤ 4 hops; the CTE runs on the first 50 pairs with statement_timeout 5 s (timeouts are errors)';
  } finally {
    await cte.query('RESET statement_timeout').catch(() => undefined);
    cte.release();
  }
  result.aims = {
    searchP95Under50ms: result.search.gateway.p95Ms < 50,
    twoHopP95Under20ms: result.twoHop.gateway.p95Ms < 20,
    shortestPathP95Under100ms: result.shortestPath.gateway.p95Ms < 100,
  };
  if (EVENTS > 0) {
    log(`projector throughput (${EVENTS} events)`);
    const some = await sampleObjects(adminPool, Math.floor(EVENTS / 2), 'true');
    const objects = some.map((o) => {
      const markings = { level: LEVEL[o.level], compartments: o.compartments };
      return { id: o.id, type: o.type, version: 1, title: o.title, markings, provenance: { source: 'bench' },
        properties: { name: { value: o.title, marking: markings, provenance: { source: 'bench' } } }, entityId: null,
        createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', deletedAt: null };
    });
    // The measurements above are printed even when the projector cannot catch up (a shared stream:
    // other publishers' backlog comes first).
    log(`measured: ${JSON.stringify({ search: result.search, twoHop: result.twoHop, shortestPath: result.shortestPath })}`);
    result.projector = await projectorThroughput(stack, objects).catch((error) => ({ error: String(error.message) }));
  }
  await db.close();
  await adminPool.end();
  result.machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 10) / 10);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
