#!/usr/bin/env node
// Write throughput of INGEST batches into the ontology (objects + links per second), beside a raw
// COPY of the same rows into a bare table, measured in the same run on the same PostgreSQL.
//
//   node tests/bench/ontology-write/ontology-write.bench.js [--batches 20] [--batch-objects 500] [--per-pull 8]
//
// --per-pull: batches written together as the INGEST consumer does with one pull (`writeMany`: one
// transaction, then `publishWritten`); 1 = each batch on its own (`write`).
//
// Needs the local stack (npm run stack:up; ontology migrated). Drives the ontology's IngestService
// directly (the code behind the `ontology-writer` consumer): validation and normalisation, the
// set-based upserts with their history rows, deterministic entity resolution, the outbox published
// to JetStream (ONTOLOGY and AUDIT streams). Then the background resolver's fuzzy pass over the
// records the ingest queued (ADR 0013), timed on its own. Prints one JSON document, with the CPU
// the first ingest and the re-ingest used — this process (the write path, in-process) and the
// PostgreSQL backends by role (tests/bench/lib/cpu-account.js) — per record: figures that hardly
// move with the machine's other load, unlike records/s. Stop the stack's ontology service first
// (`node scripts/lib/services.cjs stop ontology`) so that its backends (same role) add nothing.
'use strict';
require('../lib/register-ts');
const { randomBytes, randomUUID } = require('node:crypto');
const os = require('node:os');
const { Client } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
const { MikroORM } = require('@mikro-orm/postgresql');
const { launcher } = require('@vigie/shared-testing');
const { connectNats, EventPublisher } = require('@vigie/shared-messaging');
const { mikroOrmOptions } = require('@vigie/shared-persistence');
const { ingestBatchSchema } = require('@vigie/ontology-contracts');
const { ONTOLOGY_ENTITIES, ONTOLOGY_MIGRATIONS, OntologyDatabase } = require('@vigie/ontology-data-access');
const { IngestService, OntologyTypesService, OutboxPublisher, ResolutionEngine } = require('@vigie/ontology-feature');
const { startCpuAccount } = require('../lib/cpu-account');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const BATCHES = arg('batches', 20);
const BATCH_OBJECTS = arg('batch-objects', 500);
const PER_PULL = arg('per-pull', 8);

const GIVEN = ['Jean', 'Marie', 'Pierre', 'Sophie', 'Karim', 'Leïla', 'Olivier', 'Camille', 'Nadia', 'Thomas', 'Inès', 'Lucas', 'Aïcha', 'Hugo', 'Chloé', 'Mehdi'];
const FAMILY = ['Martin', 'Bernard', 'Dubois', 'Durand', 'Lefèvre', 'Moreau', 'Haddad', 'Benali', 'Petit', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Mercier', 'Lambert', 'Faure'];
const pick = (list, i) => list[i % list.length];
const NP = { level: 'NP', compartments: [] };

/** One batch: persons (names, birth dates, phones), their phones, a `uses` link per person. */
function makeBatch(jobId, source, seq) {
  const persons = BATCH_OBJECTS / 2;
  const objects = [];
  const links = [];
  for (let k = 0; k < persons; k++) {
    const n = seq * persons + k;
    const phone = `06${String(10_000_000 + n).slice(-8)}`;
    objects.push({
      type: 'Person',
      sourceKey: `P-${n}`,
      properties: {
        fullName: `${pick(GIVEN, n * 7 + 3)} ${pick(FAMILY, n * 13 + 5)} ${n.toString(36)}`,
        birthDate: `19${50 + (n % 50)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
        phones: [phone],
      },
      markings: n % 10 === 0 ? { level: 'DR', compartments: ['bench'] } : NP,
      provenance: { line: n, recordKey: `r${n}` },
    });
    objects.push({ type: 'Phone', sourceKey: `T-${n}`, properties: { number: phone }, markings: NP, provenance: { line: n } });
    links.push({ type: 'uses', fromSourceKey: `P-${n}`, toSourceKey: `T-${n}`, markings: NP, provenance: { line: n } });
  }
  return ingestBatchSchema.parse({ batchId: `${jobId}-${seq}`, jobId, source, seq, last: seq === BATCHES - 1, objects, links });
}

function csv(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replace(/"/g, '""')}"`;
}

async function main() {
  const stack = launcher.loadStackEnv();
  const dbUrl = stack.VIGIE_DB_URL_ONTOLOGY;
  if (!dbUrl) throw new Error('VIGIE_DB_URL_ONTOLOGY missing: start the local stack (npm run stack:up)');
  const tenant = `bench-${randomBytes(4).toString('hex')}`;
  const source = 'bench-registry';
  const orm = await MikroORM.init(mikroOrmOptions({ service: 'ontology', config: { DATABASE_URL: dbUrl, DATABASE_SCHEMA: 'ontology', DATABASE_POOL_MAX: 4 }, entities: ONTOLOGY_ENTITIES, migrations: ONTOLOGY_MIGRATIONS }));
  const nc = await connectNats({ NATS_URL: stack.NATS_URL, NATS_USER: 'ontology', NATS_PASSWORD: stack.VIGIE_NATS_PASSWORD_ONTOLOGY }, 'ontology-write-bench');
  const db = new OntologyDatabase(orm);
  const outbox = new OutboxPublisher(db, new EventPublisher(nc, 10_000));
  const types = new OntologyTypesService(db, outbox);
  const engine = new ResolutionEngine(db, outbox, types);
  const ingest = new IngestService(db, types, outbox, engine);
  const actor = { tenant, subject: 'bench', username: 'bench', roles: ['vigie-ingest'], clearance: 'TS', compartments: ['bench'], kind: 'service', expiresAt: 0 };
  await types.current(tenant); // the default ontology, outside the measure

  const batches = Array.from({ length: BATCHES }, (_, seq) => makeBatch(`bench-job-${tenant}`, source, seq));
  const objects = batches.reduce((s, b) => s + b.objects.length, 0);
  const links = batches.reduce((s, b) => s + b.links.length, 0);

  // 1. The ontology write path, first ingest.
  let merged = 0;
  let queued = 0;
  const pgAdminUrl = stack.VIGIE_PG_ADMIN_URL;
  const cpuAccount = () => (pgAdminUrl ? startCpuAccount({ services: { 'ontology-write-bench': process.pid }, pgUrl: pgAdminUrl, everyMs: 500 }) : { stop: async () => null });
  let cpu = await cpuAccount();
  let t0 = performance.now();
  for (let i = 0; i < batches.length; i += PER_PULL) {
    // As the INGEST consumer handles one pull: its batches in one transaction, then their events published.
    const written = await ingest.writeMany(batches.slice(i, i + PER_PULL).map((batch) => ({ actor, batch })));
    await ingest.publishWritten(written);
    for (const { processed: r } of written) {
      merged += r.merged;
      queued += r.queuedForReview;
      if (r.rejected.length) throw new Error(`bench batch refused records: ${JSON.stringify(r.rejected.slice(0, 3))}`);
    }
  }
  const firstMs = performance.now() - t0;
  const firstCpu = await cpu.stop(objects + links);

  // 1b. The background resolver: fuzzy matching of every record the first ingest queued.
  t0 = performance.now();
  const resolvedInBackground = await engine.drain(1000, tenant);
  const resolveMs = performance.now() - t0;
  const [{ n: mergedInBackground }] = await db.read((sql) => sql.query(`SELECT count(*)::int AS n FROM merge WHERE tenant = ? AND decided_by = 'auto'`, [tenant]));
  const [{ n: reviewsInBackground }] = await db.read((sql) => sql.query(`SELECT count(*)::int AS n FROM review_item WHERE tenant = ?`, [tenant]));

  // 2. Re-ingest of the same batches (redelivery / re-run): nothing changes, nothing is written.
  cpu = await cpuAccount();
  t0 = performance.now();
  for (const b of batches) {
    const r = await ingest.write(actor, { ...b, jobId: `${b.jobId}-again` });
    if (r.objects.created + r.objects.updated + r.links.created + r.links.updated) throw new Error('re-ingest wrote something');
  }
  const againMs = performance.now() - t0;
  const againCpu = await cpu.stop(objects + links);

  // 4. Baseline: raw COPY of the same rows (objects and links, same columns as the ontology stores) into bare tables.
  const pg = new Client({ connectionString: dbUrl });
  await pg.connect();
  await pg.query(`CREATE TEMP TABLE bench_object (id uuid, tenant text, type text, source text, source_key text, level_rank smallint, compartments text[], properties jsonb, provenance jsonb)`);
  await pg.query(`CREATE TEMP TABLE bench_link (id uuid, tenant text, type text, source text, source_key text, from_key text, to_key text, properties jsonb, provenance jsonb)`);
  const rank = { NP: 0, DR: 1, S: 2, TS: 3 };
  const copy = (sql, rows) =>
    new Promise((resolve, reject) => {
      const stream = pg.query(copyFrom(sql));
      stream.on('error', reject);
      stream.on('finish', resolve);
      stream.end(rows.join(''));
    });
  const objectRows = [];
  const linkRows = [];
  for (const b of batches) {
    for (const o of b.objects) {
      const props = Object.fromEntries(Object.entries(o.properties).map(([k, v]) => [k, { value: v, marking: o.markings, provenance: { source, jobId: b.jobId } }]));
      objectRows.push([randomUUID(), tenant, o.type, source, o.sourceKey, rank[o.markings.level], `{${o.markings.compartments.join(',')}}`, csv(props), csv({ source, jobId: b.jobId, ...o.provenance })].join(',') + '\n');
    }
    for (const l of b.links) linkRows.push([randomUUID(), tenant, l.type, source, `${l.fromSourceKey}>${l.toSourceKey}`, l.fromSourceKey, l.toSourceKey, csv({}), csv({ source })].join(',') + '\n');
  }
  t0 = performance.now();
  await copy(`COPY bench_object FROM STDIN WITH (FORMAT csv)`, objectRows);
  await copy(`COPY bench_link FROM STDIN WITH (FORMAT csv)`, linkRows);
  const copyMs = performance.now() - t0;
  const [{ n: copied }] = (await pg.query(`SELECT (SELECT count(*) FROM bench_object) + (SELECT count(*) FROM bench_link) AS n`)).rows;

  const tenants = [tenant];
  const stored = (await pg.query(`SELECT (SELECT count(*) FROM ontology.object WHERE tenant = $1)::int AS objects, (SELECT count(*) FROM ontology.link WHERE tenant = $1)::int AS links, (SELECT count(*) FROM ontology.object_version WHERE tenant = $1)::int AS versions`, [tenant])).rows[0];
  const records = objects + links;
  const perSecond = (n, ms) => Math.round((n * 1000) / ms);
  // ms of CPU per record (object or link) by process group; null where /proc or the admin URL is missing.
  const cpuPerRecord = (c) => (c ? { msPerRecord: c.msPerRow, msPerRecordTotal: c.msPerRowTotal, seconds: c.seconds } : null);
  const result = {
    benchmark: 'ontology-write',
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    machine: { cpus: os.cpus().length, loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10, node: process.version },
    batches: BATCHES,
    batchesPerTransaction: PER_PULL,
    batchSize: { objects: BATCH_OBJECTS, links: BATCH_OBJECTS / 2 },
    records: {
      objects,
      links,
      total: records,
      stored,
      inTheWrite: { mergedByDeterministicKeys: merged, queuedForReview: queued },
      backgroundResolver: { resolved: resolvedInBackground, mergesTotal: mergedInBackground, reviewItemsTotal: reviewsInBackground },
    },
    ontology: {
      firstIngest: { ms: Math.round(firstMs), recordsPerSecond: perSecond(records, firstMs), objectsPerSecond: perSecond(objects, firstMs), linksPerSecond: perSecond(links, firstMs), cpu: cpuPerRecord(firstCpu) },
      reIngestUnchanged: { ms: Math.round(againMs), recordsPerSecond: perSecond(records, againMs), cpu: cpuPerRecord(againCpu) },
      backgroundFuzzyResolution: { ms: Math.round(resolveMs), objectsPerSecond: perSecond(resolvedInBackground, resolveMs) },
      firstIngestThenResolved: { ms: Math.round(firstMs + resolveMs), recordsPerSecond: perSecond(records, firstMs + resolveMs) },
      includes: ['validation and normalisation', 'set-based upserts + history rows', 'deterministic entity resolution (identity keys)', 'ONTOLOGY and AUDIT events via the outbox, acknowledged by JetStream'],
      notIncluded: 'fuzzy entity resolution: the background resolver, timed apart (backgroundFuzzyResolution)',
    },
    baseline: { what: 'raw COPY of the same object and link rows into bare temp tables (no index, no history, no events)', copied: Number(copied), ms: Math.round(copyMs), recordsPerSecond: perSecond(records, copyMs) },
    ratioToCopy: {
      firstIngest: Math.round((copyMs / firstMs) * 1000) / 1000,
      firstIngestThenResolved: Math.round((copyMs / (firstMs + resolveMs)) * 1000) / 1000,
      reIngestUnchanged: Math.round((copyMs / againMs) * 1000) / 1000,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  // Clean up the bench tenant (the history and resolution rows too).
  for (const sql of [
    `DELETE FROM ontology.resolution_pending WHERE tenant = $1`,
    `DELETE FROM ontology.entity_membership WHERE tenant = $1`,
    `DELETE FROM ontology.review_item WHERE tenant = $1`,
    `DELETE FROM ontology.merge WHERE tenant = $1`,
    `DELETE FROM ontology.entity WHERE tenant = $1`,
    `DELETE FROM ontology.identity_key WHERE tenant = $1`,
    `DELETE FROM ontology.blocking_key WHERE tenant = $1`,
    `DELETE FROM ontology.link_version WHERE tenant = $1`,
    `DELETE FROM ontology.link WHERE tenant = $1`,
    `DELETE FROM ontology.object_version WHERE tenant = $1`,
    `DELETE FROM ontology.object WHERE tenant = $1`,
    `DELETE FROM ontology.ontology_document WHERE tenant = $1`,
  ]) for (const t of tenants) await pg.query(sql, [t]);
  await pg.end();
  await nc.drain();
  await orm.close(true);

}

main().catch((error) => {
  process.stderr.write(`ontology-write bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
