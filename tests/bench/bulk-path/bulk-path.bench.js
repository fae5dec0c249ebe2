#!/usr/bin/env node
// What the bulk path of ADR 0016 would cost, measured before it is built: the e2e bench's CSV (a
// person, a phone and a `uses` link per row) loaded chunk by chunk into the real ontology and
// analytics tables with COPY and set-based SQL — beside a raw COPY of the same file into a bare
// table, in the same run. Prints JSON: rows/s and the ratio to COPY of each way to "searchable",
// and the CPU per row by process (tests/bench/lib/cpu-account.js).
//
// Per chunk (--chunk rows, one transaction per service):
//   prepare   in this process, the code the services run today: the streaming CSV parser and the
//             compiled mapping (@vigie/ingestion-parsers), property validation and normalisation
//             (@vigie/ontology-domain), property entries, time-ordered ids and content hashes
//             computed as the per-record path does (@vigie/ontology-feature) — records become COPY
//             rows instead of JSON batches on INGEST;
//   ontology  COPY into a staging table, then the per-record path's upserts (`ON CONFLICT (tenant,
//             source, source_key) … WHERE content changed`) with their history rows and the
//             resolution queue, as `INSERT … SELECT` from the staging table; the links' ends read
//             back once per chunk (their ids enter the links' content hashes);
//   analytics the chunk's rows read back from the ontology (a stand-in for the hand-over: the
//             ontology's API or object store), documents built by the projector's own code
//             (`projectObject`), COPY into staging, then `INSERT … SELECT` into the tenant's
//             `object`, `doc` (full text, trigram and skeleton GIN indexes live) and `link`;
//   firstLoad the same analytics rows into a new tenant partition without indexes, the indexes and
//             the name vocabulary built once at the end, then attached (ADR 0016 item 3).
// Then a re-import of the same file (nothing may change), and the background resolver — both passes
// (identity keys, fuzzy blocking and scoring) — over every queued record, timed on its own.
//
// Left out, and said so in the output: the upload (ingestion's object store), the INGEST/ONTOLOGY
// events (one per chunk in the bulk path, ADR 0016 item 2) and the audit record per chunk, and the
// update of a changed record (the per-record path names its changed properties from the stored state).
//
// Needs the local stack (npm run up). Stop the stack's ontology service first (`node
// scripts/lib/services.cjs stop ontology`): its background resolver would resolve the bench's
// queued records while the load runs, and its PostgreSQL backends share the ontology role.
//   node tests/bench/bulk-path/bulk-path.bench.js [--rows 100000] [--chunk 25000] [--no-resolve]
'use strict';
require('../lib/register-ts');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes, randomInt, randomUUID } = require('node:crypto');
const { Client } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
const { MikroORM } = require('@mikro-orm/postgresql');
const { launcher } = require('@vigie/shared-testing');
const { connectNats, EventPublisher } = require('@vigie/shared-messaging');
const { mikroOrmOptions, timeOrderedId } = require('@vigie/shared-persistence');
const { historyActor } = require('@vigie/ontology-contracts');
const { validateProperties } = require('@vigie/ontology-domain');
const { ONTOLOGY_ENTITIES, ONTOLOGY_MIGRATIONS, OntologyDatabase } = require('@vigie/ontology-data-access');
const { contentHash, normaliseMarking, OntologyTypesService, OutboxPublisher, ResolutionEngine, toLinkView, toObjectView } = require('@vigie/ontology-feature');
const { projectObject, storedMarking, tenantPartitionName, tenantPartitionSql, TSV_OF_UNACCENTED_SQL, typeHints } = require('@vigie/analytics-data-access');
const { compileMapping, mapParsedBatches, parseCsvBatches } = require('@vigie/ingestion-parsers');
const { startCpuAccount } = require('../lib/cpu-account');
const { copyPeopleCsv, writePeopleCsv } = require('../lib/people-csv');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROWS = arg('rows', 100_000);
const CHUNK = arg('chunk', 25_000);
const RESOLVE = !process.argv.includes('--no-resolve');
const MAPPING = fs.readFileSync(path.join(__dirname, '../../fixtures/mappings/people-with-phones.yaml'), 'utf8');
const RANK = { NP: 0, DR: 1, S: 2, TS: 3 };
const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A value in PostgreSQL's COPY text format (\N for null; backslash, tab and line breaks escaped). */
function copyValue(v) {
  if (v === null || v === undefined) return '\\N';
  const text = typeof v === 'string' ? v : Array.isArray(v) ? `{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);
}
const copyLine = (values) => `${values.map(copyValue).join('\t')}\n`;

function copyInto(client, sql, lines) {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(lines.join(''));
  });
}

/** Wall time spent in each named phase (several calls add up). */
function phases() {
  const ms = {};
  return {
    ms,
    async time(name, fn) {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        ms[name] = (ms[name] ?? 0) + performance.now() - t0;
      }
    },
  };
}

const OBJECT_STAGE = `(id uuid, type text, source_key text, level_rank smallint, compartments text[], properties jsonb, provenance jsonb, content_hash text, changed text[])`;
const LINK_STAGE = `(id uuid, type text, source_key text, from_id uuid, to_id uuid, directed boolean, valid_from text, valid_to text, level_rank smallint, compartments text[], properties jsonb, provenance jsonb, content_hash text, changed text[])`;
const MARKINGS_JSON = `jsonb_build_object('level', (ARRAY['NP','DR','S','TS'])[up.level_rank + 1], 'compartments', to_jsonb(up.compartments))`;

/** The ingest writer's object upsert (libs/ontology/data-access ingest-writer.ts), from the staging table, and the resolution queue. */
const UPSERT_OBJECTS = `WITH up AS (
    INSERT INTO ontology.object AS o (id, tenant, type, source, source_key, version, level_rank, compartments, properties, provenance, content_hash, created_at, updated_at)
    SELECT i.id, $1, i.type, $2, i.source_key, 1, i.level_rank, i.compartments, i.properties, i.provenance, i.content_hash, now(), now() FROM bulk_object i
    ON CONFLICT (tenant, source, source_key) DO UPDATE
      SET version = o.version + 1, level_rank = EXCLUDED.level_rank, compartments = EXCLUDED.compartments, properties = EXCLUDED.properties,
          provenance = EXCLUDED.provenance, content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at
      WHERE o.content_hash IS DISTINCT FROM EXCLUDED.content_hash AND o.type = EXCLUDED.type
    RETURNING o.*
  ), history AS (
    INSERT INTO ontology.object_version (object_id, version, tenant, change, at, actor, purpose, provenance, level_rank, compartments, snapshot, changed_properties)
    SELECT up.id, up.version, up.tenant, CASE WHEN up.version = 1 THEN 'created' ELSE 'updated' END, up.updated_at, $3::jsonb, NULL,
           up.provenance, up.level_rank, up.compartments,
           jsonb_build_object('type', up.type, 'properties', up.properties, 'markings', ${MARKINGS_JSON}, 'deletedAt', up.deleted_at, 'entityId', up.entity_id),
           i.changed
    FROM up JOIN bulk_object i ON i.source_key = up.source_key
  ), queued AS (
    INSERT INTO ontology.resolution_pending (tenant, object_id) SELECT up.tenant, up.id FROM up ON CONFLICT DO NOTHING
  )
  SELECT count(*)::int AS written FROM up`;

const UPSERT_LINKS = `WITH up AS (
    INSERT INTO ontology.link AS l (id, tenant, type, source, source_key, from_id, to_id, directed, version, level_rank, compartments, properties, provenance, valid_from, valid_to, content_hash, created_at, updated_at)
    SELECT i.id, $1, i.type, $2, i.source_key, i.from_id, i.to_id, i.directed, 1, i.level_rank, i.compartments, i.properties, i.provenance, i.valid_from, i.valid_to, i.content_hash, now(), now()
    FROM bulk_link i
    ON CONFLICT (tenant, source, source_key) DO UPDATE
      SET version = l.version + 1, from_id = EXCLUDED.from_id, to_id = EXCLUDED.to_id, level_rank = EXCLUDED.level_rank, compartments = EXCLUDED.compartments,
          properties = EXCLUDED.properties, provenance = EXCLUDED.provenance, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
          content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at
      WHERE l.content_hash IS DISTINCT FROM EXCLUDED.content_hash AND l.type = EXCLUDED.type
    RETURNING l.*
  ), history AS (
    INSERT INTO ontology.link_version (link_id, version, tenant, change, at, actor, purpose, provenance, level_rank, compartments, snapshot, changed_properties)
    SELECT up.id, up.version, up.tenant, CASE WHEN up.version = 1 THEN 'created' ELSE 'updated' END, up.updated_at, $3::jsonb, NULL,
           up.provenance, up.level_rank, up.compartments,
           jsonb_build_object('type', up.type, 'properties', up.properties, 'markings', ${MARKINGS_JSON}, 'deletedAt', up.deleted_at,
                              'fromId', up.from_id, 'toId', up.to_id, 'validFrom', up.valid_from, 'validTo', up.valid_to),
           i.changed
    FROM up JOIN bulk_link i ON i.source_key = up.source_key
  )
  SELECT count(*)::int AS written FROM up`;

const STORE_ONLY_OBJECTS = `INSERT INTO floor_object (id, tenant, type, source, source_key, version, level_rank, compartments, properties, provenance, content_hash, created_at, updated_at)
  SELECT i.id, $1, i.type, $2, i.source_key, 1, i.level_rank, i.compartments, i.properties, i.provenance, i.content_hash, now(), now() FROM bulk_object i`;
const STORE_ONLY_LINKS = `INSERT INTO floor_link (id, tenant, type, source, source_key, from_id, to_id, directed, version, level_rank, compartments, properties, provenance, valid_from, valid_to, content_hash, created_at, updated_at)
  SELECT i.id, $1, i.type, $2, i.source_key, i.from_id, i.to_id, i.directed, 1, i.level_rank, i.compartments, i.properties, i.provenance, i.valid_from, i.valid_to, i.content_hash, now(), now() FROM bulk_link i`;

const A_OBJECT_STAGE = `(id uuid, type text, version int, level smallint, compartments text[], deleted boolean, entity_id uuid, title text, title_level smallint, title_compartments text[], occurred_at timestamptz)`;
const A_DOC_STAGE = `(object_id uuid, seq smallint, type text, level smallint, compartments text[], deleted boolean, fields jsonb, props jsonb, title text, body text, names text, skel text, at timestamptz, lat double precision, lon double precision)`;
const A_LINK_STAGE = `(id uuid, type text, from_id uuid, to_id uuid, directed boolean, version int, level smallint, compartments text[], deleted boolean, valid_from timestamptz, valid_to timestamptz, occurred_at timestamptz)`;

/** The projector's statements (libs/analytics/data-access projection.writer.ts) from the staging tables, into `object`/`doc`/`link` or a tenant's partitions. */
function analyticsInserts(target) {
  const upsert = target.upsert;
  return [
    // Temporary tables have no statistics until analysed: without them the planner guessed the
    // joins below (a 25,000-row chunk took minutes).
    `ANALYZE bulk_a_object, bulk_a_doc, bulk_a_link`,
    `INSERT INTO ${target.object} (tenant, id, type, version, level, compartments, deleted, entity_id, title, title_level, title_compartments, occurred_at)
     SELECT $1, r.id, r.type, r.version, r.level, r.compartments, r.deleted, r.entity_id, r.title, r.title_level, r.title_compartments, r.occurred_at FROM bulk_a_object r
     ${upsert ? `ON CONFLICT (tenant, id) DO UPDATE SET version = EXCLUDED.version, level = EXCLUDED.level, compartments = EXCLUDED.compartments, deleted = EXCLUDED.deleted,
       entity_id = EXCLUDED.entity_id, title = EXCLUDED.title, title_level = EXCLUDED.title_level, title_compartments = EXCLUDED.title_compartments, occurred_at = EXCLUDED.occurred_at
       WHERE ${target.object}.version < EXCLUDED.version` : ''}`,
    `INSERT INTO ${target.doc} (tenant, object_id, seq, type, level, compartments, deleted, fields, props, tsv, names, skel, at, lat, lon)
     SELECT $1, d.object_id, d.seq, d.type, d.level, d.compartments, d.deleted, d.fields, d.props, ${TSV_OF_UNACCENTED_SQL('d.title_u', 'd.body_u')},
            d.names, to_tsvector('simple', d.skel), d.at, d.lat, d.lon
     FROM (SELECT r.*, unaccent(coalesce(r.title, '')) AS title_u, unaccent(coalesce(r.body, '')) AS body_u FROM bulk_a_doc r OFFSET 0) AS d`,
    // Each link carries its ends' state. Into the live tables: a primary-key probe per end (LATERAL,
    // as the services write their probes: never a scan of the tenant's objects). Into a new
    // partition, which has no index yet: the ends staged with the chunk; ends outside it keep the
    // defaults (from_type '') and are filled once the partition is indexed (FILL_LINK_ENDS).
    upsert
      ? `INSERT INTO ${target.link} (tenant, id, type, from_id, to_id, directed, version, level, compartments, deleted, valid_from, valid_to,
           from_type, from_level, from_compartments, from_deleted, to_type, to_level, to_compartments, to_deleted, occurred_at)
         SELECT $1, r.id, r.type, r.from_id, r.to_id, r.directed, r.version, r.level, r.compartments, r.deleted, r.valid_from, r.valid_to,
                f.type, f.level, f.compartments, f.deleted, t.type, t.level, t.compartments, t.deleted, r.occurred_at
         FROM bulk_a_link r
         CROSS JOIN LATERAL (SELECT x.type, x.level, x.compartments, x.deleted FROM ${target.object} x WHERE x.tenant = $1 AND x.id = r.from_id OFFSET 0) f
         CROSS JOIN LATERAL (SELECT x.type, x.level, x.compartments, x.deleted FROM ${target.object} x WHERE x.tenant = $1 AND x.id = r.to_id OFFSET 0) t
         ON CONFLICT (tenant, id) DO UPDATE SET version = EXCLUDED.version, from_id = EXCLUDED.from_id, to_id = EXCLUDED.to_id WHERE ${target.link}.version < EXCLUDED.version`
      : `INSERT INTO ${target.link} (tenant, id, type, from_id, to_id, directed, version, level, compartments, deleted, valid_from, valid_to,
           from_type, from_level, from_compartments, from_deleted, to_type, to_level, to_compartments, to_deleted, occurred_at)
         SELECT $1, r.id, r.type, r.from_id, r.to_id, r.directed, r.version, r.level, r.compartments, r.deleted, r.valid_from, r.valid_to,
                coalesce(f.type, ''), coalesce(f.level, 99), coalesce(f.compartments, '{}'), coalesce(f.deleted, true),
                coalesce(t.type, ''), coalesce(t.level, 99), coalesce(t.compartments, '{}'), coalesce(t.deleted, true), r.occurred_at
         FROM bulk_a_link r LEFT JOIN bulk_a_object f ON f.id = r.from_id LEFT JOIN bulk_a_object t ON t.id = r.to_id`,
  ];
}

async function main() {
  const stack = launcher.loadStackEnv();
  for (const key of ['VIGIE_DB_URL_ONTOLOGY', 'VIGIE_DB_URL_ANALYTICS', 'VIGIE_PG_ADMIN_URL', 'NATS_URL']) {
    if (!stack[key]) throw new Error(`${key} missing: start the local stack (npm run up)`);
  }
  const hex = randomBytes(4).toString('hex');
  const tenant = `bulk-${hex}`;
  const firstLoadTenant = `bulkp-${hex}`;
  const source = `bulk-${hex}`;
  const jobId = randomUUID();
  const actor = { tenant, subject: 'bulk-bench', username: 'bulk-bench', roles: ['vigie-ingest'], clearance: 'TS', compartments: [], kind: 'service', expiresAt: 0 };

  const orm = await MikroORM.init(
    mikroOrmOptions({ service: 'ontology', config: { DATABASE_URL: stack.VIGIE_DB_URL_ONTOLOGY, DATABASE_SCHEMA: 'ontology', DATABASE_POOL_MAX: 4 }, entities: ONTOLOGY_ENTITIES, migrations: ONTOLOGY_MIGRATIONS }),
  );
  const nc = await connectNats({ NATS_URL: stack.NATS_URL, NATS_USER: 'ontology', NATS_PASSWORD: stack.VIGIE_NATS_PASSWORD_ONTOLOGY }, 'bulk-path-bench');
  const db = new OntologyDatabase(orm);
  const outbox = new OutboxPublisher(db, new EventPublisher(nc, 10_000));
  const types = new OntologyTypesService(db, outbox);
  const engine = new ResolutionEngine(db, outbox, types);
  const { document } = await types.current(tenant); // the default ontology, outside the measure
  const objectTypes = new Map(document.objectTypes.map((t) => [t.name, t]));
  const linkTypes = new Map(document.linkTypes.map((t) => [t.name, t]));
  const hints = new Map(document.objectTypes.map((t) => [t.name, typeHints(document, t.name)]));
  const compiled = compileMapping(MAPPING, document, { columns: ['id', 'first_name', 'last_name', 'birth_date', 'phone', 'city'] });
  if (!compiled.ok) throw new Error(`mapping: ${JSON.stringify(compiled.errors)}`);

  const file = path.join(os.tmpdir(), `vigie-bulk-path-${process.pid}.csv`);
  const bytes = await writePeopleCsv(file, ROWS, { tag: hex, base: randomInt(0, 80_000_000) });

  const onto = new Client({ connectionString: stack.VIGIE_DB_URL_ONTOLOGY, application_name: 'bulk-path-bench' });
  const ana = new Client({ connectionString: stack.VIGIE_DB_URL_ANALYTICS, application_name: 'bulk-path-bench' });
  await onto.connect();
  await ana.connect();
  // As the services' pools: the service schema, then public (unaccent, pg_trgm).
  await onto.query(`SET search_path TO ontology, public`);
  await ana.query(`SET search_path TO analytics, public`);
  await onto.query(`CREATE TEMP TABLE bulk_object ${OBJECT_STAGE}; CREATE TEMP TABLE bulk_link ${LINK_STAGE}`);
  // The floor of the model: the same rows into tables shaped and indexed as object and link (no
  // history, resolution queue, conflict check or foreign keys), timed apart (`storeOnly`).
  await onto.query(`CREATE TEMP TABLE floor_object (LIKE ontology.object INCLUDING DEFAULTS INCLUDING INDEXES); CREATE TEMP TABLE floor_link (LIKE ontology.link INCLUDING DEFAULTS INCLUDING INDEXES)`);
  await ana.query(`CREATE TEMP TABLE bulk_a_object ${A_OBJECT_STAGE}; CREATE TEMP TABLE bulk_a_doc ${A_DOC_STAGE}; CREATE TEMP TABLE bulk_a_link ${A_LINK_STAGE}`);
  const partition = tenantPartitionSql(firstLoadTenant);
  for (const sql of partition.create) await ana.query(sql);
  const firstLoadTarget = {
    upsert: false,
    object: `analytics.${tenantPartitionName('object', firstLoadTenant)}`,
    doc: `analytics.${tenantPartitionName('doc', firstLoadTenant)}`,
    link: `analytics.${tenantPartitionName('link', firstLoadTenant)}`,
  };
  const liveTarget = { upsert: true, object: 'analytics.object', doc: 'analytics.doc', link: 'analytics.link' };
  const historyOf = JSON.stringify(historyActor(actor));
  // As the ingest service's provenanceOf: the job's source and id, the record's key and line when known.
  const provenanceOf = (p) => ({ source, jobId, ...(p?.recordKey ? { recordKey: p.recordKey } : {}), ...(p?.line !== undefined ? { line: p.line } : {}) });

  /** One import of the file: returns what was written and the time of each phase. */
  async function importFile({ analytics }) {
    const t = phases();
    t.ms.prepare = 0; // the chunks' loads are subtracted from it while it runs
    const counts = { rows: 0, objects: 0, links: 0, objectsWritten: 0, linksWritten: 0, rejected: 0 };
    let objects = [];
    let links = [];
    let rows = 0;
    let linkPrepareMs = 0;

    const flush = async () => {
      if (!rows) return;
      const chunkObjects = objects;
      const chunkLinks = links;
      objects = [];
      links = [];
      rows = 0;
      // Ontology: one transaction per chunk (objects, their ends' ids for the links, links).
      const linkLines = [];
      const linkPrepareBefore = linkPrepareMs;
      const storeOnlyBefore = t.ms.storeOnly ?? 0;
      await t.time('ontology', async () => {
        await onto.query('BEGIN');
        await onto.query('TRUNCATE bulk_object, bulk_link');
        await copyInto(onto, `COPY bulk_object FROM STDIN`, chunkObjects.map((o) => o.line));
        await onto.query('ANALYZE bulk_object');
        if (analytics) await t.time('storeOnly', () => onto.query(STORE_ONLY_OBJECTS, [tenant, source]));
        counts.objectsWritten += (await onto.query(UPSERT_OBJECTS, [tenant, source, historyOf])).rows[0].written;
        const ends = new Map((await onto.query(`SELECT o.source_key, o.id, o.type FROM bulk_object b JOIN ontology.object o ON o.tenant = $1 AND o.source = $2 AND o.source_key = b.source_key`, [tenant, source])).rows.map((r) => [r.source_key, r]));
        // The links' content hashes need their ends' ids: preparation, counted with `prepare`.
        const lp0 = performance.now();
        for (const l of chunkLinks) {
          const from = ends.get(l.fromSourceKey);
          const to = ends.get(l.toSourceKey);
          if (!from || !to) {
            counts.rejected++;
            continue;
          }
          const extra = { f: from.id, t: to.id, vf: null, vt: null };
          linkLines.push(copyLine([timeOrderedId(), l.type, l.sourceKey, from.id, to.id, l.directed, null, null, l.rank, l.markings.compartments, l.properties, l.provenance, contentHash({ type: l.type, markings: l.markings, properties: l.properties, extra }), Object.keys(l.properties).sort()]));
        }
        linkPrepareMs += performance.now() - lp0;
        await copyInto(onto, `COPY bulk_link FROM STDIN`, linkLines);
        await onto.query('ANALYZE bulk_link');
        if (analytics) await t.time('storeOnly', () => onto.query(STORE_ONLY_LINKS, [tenant, source]));
        counts.linksWritten += (await onto.query(UPSERT_LINKS, [tenant, source, historyOf])).rows[0].written;
        await onto.query('COMMIT');
      });
      t.ms.ontology -= linkPrepareMs - linkPrepareBefore + (t.ms.storeOnly ?? 0) - storeOnlyBefore;
      if (!analytics) return;
      // Hand-over: the chunk's rows as the ontology stores them (a stand-in for its API or object store).
      const [objectRows, linkRows] = await t.time('handOver', async () => [
        (await onto.query(`SELECT o.* FROM bulk_object b JOIN ontology.object o ON o.tenant = $1 AND o.source = $2 AND o.source_key = b.source_key`, [tenant, source])).rows,
        (await onto.query(`SELECT l.* FROM bulk_link b JOIN ontology.link l ON l.tenant = $1 AND l.source = $2 AND l.source_key = b.source_key`, [tenant, source])).rows,
      ]);
      const staged = await t.time('project', async () => {
        const aObjects = [];
        const aDocs = [];
        const aLinks = [];
        for (const row of objectRows) {
          const view = toObjectView(row, objectTypes.get(row.type));
          const p = projectObject(view, hints.get(row.type));
          aObjects.push(copyLine([row.id, row.type, row.version, p.marking.level, p.marking.compartments, p.deleted, row.entity_id, p.title, p.titleMarking.level, p.titleMarking.compartments, row.updated_at.toISOString()]));
          for (const d of p.docs) {
            aDocs.push(copyLine([row.id, d.seq, row.type, d.marking.level, d.marking.compartments, p.deleted, d.fields, d.props, d.titleText, d.bodyText, d.names, d.skeletons, d.at, d.lat, d.lon]));
          }
        }
        for (const row of linkRows) {
          const link = toLinkView(row);
          const m = storedMarking(link.markings);
          aLinks.push(copyLine([link.id, link.type, link.fromId, link.toId, link.directed, link.version, m.level, m.compartments, link.deletedAt !== null, link.validFrom, link.validTo, row.updated_at.toISOString()]));
        }
        return { aObjects, aDocs, aLinks };
      });
      const load = async (target, tenantOf) => {
        await ana.query('BEGIN');
        await ana.query('TRUNCATE bulk_a_object, bulk_a_doc, bulk_a_link');
        await copyInto(ana, `COPY bulk_a_object FROM STDIN`, staged.aObjects);
        await copyInto(ana, `COPY bulk_a_doc FROM STDIN`, staged.aDocs);
        await copyInto(ana, `COPY bulk_a_link FROM STDIN`, staged.aLinks);
        for (const sql of analyticsInserts(target)) await ana.query(sql, sql.includes('$1') ? [tenantOf] : []);
        await ana.query('COMMIT');
      };
      await t.time('analytics', () => load(liveTarget, tenant));
      await t.time('firstLoad', () => load(firstLoadTarget, firstLoadTenant));
    };

    await t.time('prepare', async () => {
      for await (const batch of mapParsedBatches(parseCsvBatches(fs.createReadStream(file)), compiled.mapping)) {
        for (const item of batch) {
          if (item.kind !== 'mapped') {
            counts.rejected++;
            continue;
          }
          counts.rows++;
          rows++;
          for (const o of item.objects) {
            const type = objectTypes.get(o.type);
            const { values, problems } = validateProperties(type, o.properties, 'create');
            if (problems.length) throw new Error(`bench record refused: ${problems[0].message}`);
            const markings = normaliseMarking(o.markings);
            const provenance = provenanceOf(o.provenance);
            const properties = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, marking: markings, provenance }]));
            objects.push({
              line: copyLine([timeOrderedId(), type.name, o.sourceKey, RANK[markings.level], markings.compartments, properties, provenance, contentHash({ type: type.name, markings, properties }), Object.keys(properties).sort()]),
            });
            counts.objects++;
          }
          for (const l of item.links) {
            const type = linkTypes.get(l.type);
            const markings = normaliseMarking(l.markings);
            const provenance = provenanceOf(l.provenance);
            const { values } = validateProperties(type, l.properties ?? {}, 'create');
            const properties = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, marking: markings, provenance }]));
            const sourceKey = `${l.type}|${source}:${l.fromSourceKey}|${source}:${l.toSourceKey}|`;
            links.push({ type: type.name, sourceKey, fromSourceKey: l.fromSourceKey, toSourceKey: l.toSourceKey, directed: type.directed, rank: RANK[markings.level], markings, properties, provenance });
            counts.links++;
          }
          if (rows >= CHUNK) {
            // Time spent loading is not preparation: measured by the phases inside.
            const t0 = performance.now();
            await flush();
            t.ms.prepare -= performance.now() - t0;
          }
        }
      }
    });
    await flush();
    t.ms.prepare += linkPrepareMs;
    return { counts, ms: t.ms };
  }

  /** Removes what the bench wrote (both tenants, the partition, the file), also when it fails. */
  async function cleanUp() {
    fs.rmSync(file, { force: true });
    // A failure may have left a transaction open on either connection.
    await onto.query('ROLLBACK').catch(() => undefined);
    await ana.query('ROLLBACK').catch(() => undefined);
    for (const t of [tenant, firstLoadTenant]) {
      for (const table of ['name_token', 'doc', 'link', 'object', 'tenant_ontology']) await ana.query(`DELETE FROM analytics.${table} WHERE tenant = $1`, [t]);
    }
    for (const sql of partition.drop) await ana.query(sql);
    for (const table of ['resolution_pending', 'entity_membership', 'review_item', 'merge', 'entity', 'identity_key', 'blocking_key', 'link_version', 'link', 'object_version', 'object', 'ontology_document']) {
      await onto.query(`DELETE FROM ontology.${table} WHERE tenant = $1`, [tenant]);
    }
    await onto.end();
    await ana.end();
    await nc.drain();
    await orm.close(true);
  }

  let exact = false;
  let result;
  try {
    const adminUrl = stack.VIGIE_PG_ADMIN_URL;
    const cpuAccount = () => startCpuAccount({ services: { 'bulk-path-bench': process.pid }, pgUrl: adminUrl, everyMs: 500 });

    const copies = [copyPeopleCsv(adminUrl, file)];
    let cpu = await cpuAccount();
    const t0 = performance.now();
    const first = await importFile({ analytics: true });
    const firstMs = performance.now() - t0;
    const firstCpu = await cpu.stop(ROWS);
    copies.push(copyPeopleCsv(adminUrl, file));

    // The first load's end: indexes, the name vocabulary (the `doc` trigger does not fire on a detached partition), statistics, attach.
    cpu = await cpuAccount();
    const finish = phases();
    for (const sql of partition.index) await finish.time('index', () => ana.query(sql));
    // Links whose ends were outside their chunk: their ends' state, now that the partition is indexed.
    for (const [end, col] of [
      ['from', 'from_id'],
      ['to', 'to_id'],
    ]) {
      await finish.time('linkEnds', () =>
        ana.query(
          `UPDATE ${firstLoadTarget.link} l SET ${end}_type = o.type, ${end}_level = o.level, ${end}_compartments = o.compartments, ${end}_deleted = o.deleted
           FROM ${firstLoadTarget.object} o WHERE l.${end}_type = '' AND o.tenant = l.tenant AND o.id = l.${col}`,
        ),
      );
    }
    await finish.time('nameVocabulary', () =>
      ana.query(
        `INSERT INTO analytics.name_token (tenant, token, level, compartments)
         SELECT DISTINCT d.tenant, t.token, d.level, d.compartments FROM ${firstLoadTarget.doc} d CROSS JOIN LATERAL regexp_split_to_table(d.names, '[ |]+') AS t(token)
         WHERE t.token <> '' AND length(t.token) <= 64 ON CONFLICT DO NOTHING`,
      ),
    );
    for (const sql of partition.vacuum) await finish.time('vacuumAnalyze', () => ana.query(sql));
    for (const sql of partition.attach) await finish.time('attach', () => ana.query(sql));
    const finishCpu = await cpu.stop(ROWS);
    const finishMs = Object.values(finish.ms).reduce((a, b) => a + b, 0);

    // Re-import of the same file: the upserts find every content hash equal and write nothing.
    const againT0 = performance.now();
    const again = await importFile({ analytics: false });
    const againMs = performance.now() - againT0;
    copies.push(copyPeopleCsv(adminUrl, file));

    let resolution = null;
    if (RESOLVE) {
      cpu = await cpuAccount();
      const r0 = performance.now();
      const pending = async () => (await onto.query(`SELECT count(*)::int AS n FROM ontology.resolution_pending WHERE tenant = $1`, [tenant])).rows[0].n;
      const resolved = await pending();
      for (let left = resolved; left > 0; ) {
        await engine.sweep(0, 2000, tenant);
        const now = await pending();
        if (now >= left) throw new Error(`the resolver left ${now} queued records`);
        left = now;
      }
      const ms = performance.now() - r0;
      const [{ merges, reviews }] = (await onto.query(`SELECT (SELECT count(*) FROM ontology.merge WHERE tenant = $1)::int AS merges, (SELECT count(*) FROM ontology.review_item WHERE tenant = $1)::int AS reviews`, [tenant])).rows;
      resolution = { ms: Math.round(ms), objectsPerSecond: Math.round((first.counts.objects * 1000) / ms), resolved, merges, reviewItems: reviews, cpu: await cpu.stop(ROWS) };
    }

    const stored = (
      await onto.query(
        `SELECT (SELECT count(*) FROM ontology.object WHERE tenant = $1)::int AS objects, (SELECT count(*) FROM ontology.link WHERE tenant = $1)::int AS links,
                (SELECT count(*) FROM ontology.object_version WHERE tenant = $1)::int AS "objectVersions", (SELECT count(*) FROM ontology.link_version WHERE tenant = $1)::int AS "linkVersions",
                (SELECT count(*) FROM ontology.identity_key WHERE tenant = $1)::int AS "identityKeys", (SELECT count(*) FROM ontology.blocking_key WHERE tenant = $1)::int AS "blockingKeys"`,
        [tenant],
      )
    ).rows[0];
    const searchable = async (t) =>
      (await ana.query(`SELECT (SELECT count(*) FROM analytics.object WHERE tenant = $1)::int AS objects, (SELECT count(*) FROM analytics.doc WHERE tenant = $1)::int AS docs, (SELECT count(*) FROM analytics.link WHERE tenant = $1)::int AS links`, [t])).rows[0];
    const searchProbe = async (t) => (await ana.query(`SELECT count(*)::int AS n FROM analytics.doc WHERE tenant = $1 AND tsv @@ plainto_tsquery('simple', 'jean')`, [t])).rows[0].n;
    const live = await searchable(tenant);
    const partitioned = await searchable(firstLoadTenant);
    const probes = { live: await searchProbe(tenant), firstLoad: await searchProbe(firstLoadTenant) };

    const copyMs = [...copies].map((c) => c.seconds * 1000).sort((a, b) => a - b)[1];
    const ms = first.ms;
    const untilSearchableMs = ms.prepare + ms.ontology + ms.handOver + ms.project + ms.analytics;
    const firstLoadMs = ms.prepare + ms.ontology + ms.handOver + ms.project + ms.firstLoad + finishMs;
    const perSecond = (msTotal) => Math.round((ROWS * 1000) / msTotal);
    exact = stored.objects === first.counts.objects && stored.links === first.counts.links && live.links === first.counts.links && partitioned.links === first.counts.links && again.counts.objectsWritten === 0 && again.counts.linksWritten === 0;
    result = {
      benchmark: 'bulk-path',
      what: 'ADR 0016 bulk path, measured before it is built: COPY + set-based SQL into the real ontology and analytics tables, the services\' own preparation and projection code in this process',
      machine: { cpus: os.cpus().length, loadAverage1m: round(os.loadavg()[0], 1), node: process.version },
      rows: ROWS,
      chunkRows: CHUNK,
      fileMB: round(bytes / 1048576, 1),
      records: { ...first.counts, stored, searchable: { live, firstLoad: partitioned, searchProbeJean: probes }, reImport: again.counts, exact },
      phasesMs: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)])),
      firstLoadFinishMs: Object.fromEntries(Object.entries(finish.ms).map(([k, v]) => [k, Math.round(v)])),
      untilSearchable: { ms: Math.round(untilSearchableMs), rowsPerSecond: perSecond(untilSearchableMs), what: 'prepare + ontology + hand-over + projection + analytics into the live tables' },
      firstLoadOfATenant: { ms: Math.round(firstLoadMs), rowsPerSecond: perSecond(firstLoadMs), what: 'prepare + ontology + hand-over + projection + analytics into a new partition, then its indexes, name vocabulary, statistics and attach' },
      cpu: { import: firstCpu, importWhat: 'the whole first import: both analytics targets and storeOnly included', firstLoadFinish: finishCpu },
      reImportUnchanged: { ms: Math.round(againMs), rowsPerSecond: perSecond(againMs), written: again.counts.objectsWritten + again.counts.linksWritten },
      resolution,
      baseline: { what: 'psql \\copy of the same CSV into a bare temporary table (median of three: before, between and after)', runs: copies, ms: Math.round(copyMs), rowsPerSecond: perSecond(copyMs) },
      ontologyShareThatIsStoring: {
      what: 'the same object and link rows into tables indexed as the ontology\'s, without history rows, resolution queue, conflict checks or foreign keys (storeOnly), over the ontology phase',
      storeOnlyMs: Math.round(ms.storeOnly),
      ratio: round(ms.storeOnly / ms.ontology, 3),
    },
    ratioToCopy: {
        untilSearchable: round(copyMs / untilSearchableMs, 4),
        firstLoadOfATenant: round(copyMs / firstLoadMs, 4),
        ...(resolution ? { untilResolved: round(copyMs / (untilSearchableMs + resolution.ms), 4) } : {}),
        aim: 0.25,
      },
      notIncluded: [
        'the upload into the object store and its checksum (ingestion)',
        'events: one per chunk in the bulk path (ADR 0016 item 2), none published here; the audit record per chunk',
        'updates of changed records (the per-record path names their changed properties from the stored state: a read per chunk)',
        'the two services working at once: phases run one after the other here (a pipeline would overlap them on two cores)',
      ],
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await cleanUp();
  }
  if (!exact) throw new Error(`counts do not add up: ${JSON.stringify(result.records)}`);
}

main().catch((error) => {
  process.stderr.write(`bulk-path bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
