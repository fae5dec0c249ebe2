#!/usr/bin/env node
// Ingestion parse+map benchmark. Generates a CSV of people with a phone each (6 columns,
// seeded), then measures on one core, in the same run:
//   baseline       fs.createReadStream + counting line breaks (the cost of just reading the file)
//   parse          the streaming CSV parser (detection, quotes, positions, one object per row)
//   parse+map      parse, then the compiled mapping (Person + Phone + a `uses` link per row)
//   parse+map+batch  the same, grouped into INGEST batches with their message ids
//   parse+map+batch+publish  the same, each batch encoded as the runner does and published to a
//                  JetStream stream of the bench's own (file storage, PubAck awaited, at most 8
//                  unacknowledged like INGESTION_MAX_INFLIGHT_BATCHES) on the NATS of the local
//                  stack (VIGIE_STATE_DIR picks an isolated one); skipped with --no-publish.
// and prints JSON: rows/s, MB/s, ratio to the baseline and heap growth. Not a timed test.
// The mapping is tests/fixtures/mappings/people-with-phones.yaml (as the ingestion tests and e2e bench).
//
//   node tests/bench/ingestion/parse-bench.js [--rows 1000000] [--seed 7] [--keep] [--no-publish]
'use strict';
require('../lib/register-ts');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseCsvBatches, compileMapping, mapParsedBatches, IngestBatchBuilder } = require('@vigie/ingestion-parsers');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

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

const GIVEN = ['Jean', 'Marie', 'Pierre', 'Lucie', 'Ahmed', 'Chloé', 'Nguyen', 'Olga', 'Élodie', 'Karim', 'Søren', 'Zoé'];
const FAMILY = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', "N'Diaye", 'Lefèvre'];
const CITIES = ['Paris', 'Lyon', 'Marseille', 'Lille', 'Saint-Étienne', 'Nantes', 'Bordeaux', 'Toulouse'];

async function generate(file, rows, seed) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const out = fs.createWriteStream(file);
  out.write('id,first_name,last_name,birth_date,phone,city\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
    const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
    const year = 1940 + Math.floor(random() * 65);
    const phone = `+336${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
    const city = random() < 0.05 ? `"${pick(CITIES)}, France"` : pick(CITIES);
    chunk += `${i},${pick(GIVEN)},${pick(FAMILY)},${day}/${month}/${year},${phone},${city}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise((r) => out.on('close', r));
}

const label = (en) => ({ en, fr: en });
const ONTOLOGY = {
  version: 1,
  objectTypes: [
    {
      name: 'Person', label: label('Person'), titleProperty: 'fullName', identityKeys: [],
      properties: [
        { name: 'fullName', kind: 'string', label: label('Full name'), required: true, multiple: false, searchable: true },
        { name: 'givenName', kind: 'string', label: label('Given name'), required: false, multiple: false, searchable: true },
        { name: 'familyName', kind: 'string', label: label('Family name'), required: false, multiple: false, searchable: true },
        { name: 'birthDate', kind: 'date', label: label('Birth date'), required: false, multiple: false, searchable: false },
        { name: 'birthPlace', kind: 'string', label: label('Birth place'), required: false, multiple: false, searchable: false },
      ],
    },
    {
      name: 'Phone', label: label('Phone'), titleProperty: 'number', identityKeys: [{ property: 'number', strength: 'strong' }],
      properties: [{ name: 'number', kind: 'identifier', normaliser: 'phone', label: label('Number'), required: true, multiple: false, searchable: false }],
    },
  ],
  linkTypes: [{ name: 'uses', label: label('uses'), from: ['Person'], to: ['Phone'], directed: true, properties: [], hasValidity: true }],
};

const MAPPING = fs.readFileSync(path.join(__dirname, '../../fixtures/mappings/people-with-phones.yaml'), 'utf8');

const gc = (() => {
  require('node:v8').setFlagsFromString('--expose-gc');
  return require('node:vm').runInNewContext('gc');
})();

/** Wall time and CPU time (the machine may be shared: rows per CPU-second is the one-core figure). */
async function time(fn) {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  let peakHeap = heapBefore;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);
  const start = process.hrtime.bigint();
  const result = await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  gc();
  const retainedMB = Math.round(((process.memoryUsage().heapUsed - heapBefore) / 1048576) * 10) / 10;
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, result, peakHeapGrowthMB: Math.round(((peakHeap - heapBefore) / 1048576) * 10) / 10, retainedMB };
}

async function main() {
  const rows = arg('rows', 1_000_000);
  const seed = arg('seed', 7);
  const file = path.join(os.tmpdir(), `vigie-parse-bench-${rows}-${seed}.csv`);
  if (!fs.existsSync(file)) await generate(file, rows, seed);
  const bytes = fs.statSync(file).size;
  const compiled = compileMapping(MAPPING, ONTOLOGY, { columns: ['id', 'first_name', 'last_name', 'birth_date', 'phone', 'city'] });
  if (!compiled.ok) throw new Error(`mapping: ${JSON.stringify(compiled.errors)}`);
  const mapping = compiled.mapping;

  const baseline = await time(async () => {
    let lines = 0;
    for await (const chunk of fs.createReadStream(file)) {
      let at = chunk.indexOf(10);
      while (at !== -1) {
        lines++;
        at = chunk.indexOf(10, at + 1);
      }
    }
    return lines - 1;
  });
  const parse = await time(async () => {
    let n = 0;
    for await (const batch of parseCsvBatches(fs.createReadStream(file))) for (const item of batch) if (item.kind === 'record') n++;
    return n;
  });
  const parseMap = await time(async () => {
    let n = 0;
    let rejected = 0;
    for await (const batch of mapParsedBatches(parseCsvBatches(fs.createReadStream(file)), mapping)) {
      for (const item of batch) if (item.kind === 'mapped') n++; else rejected++;
    }
    return { mapped: n, rejected };
  });
  const parseMapBatch = await time(async () => {
    const builder = new IngestBatchBuilder({ jobId: '00000000-0000-4000-8000-000000000000', source: 'bench' });
    let batches = 0;
    let objects = 0;
    for await (const batch of mapParsedBatches(parseCsvBatches(fs.createReadStream(file)), mapping)) {
      for (const item of batch) {
        if (item.kind !== 'mapped') continue;
        const closed = builder.add(item.position, item.objects, item.links);
        if (closed) {
          batches++;
          objects += closed.batch.objects.length;
        }
      }
    }
    const last = builder.flush(true);
    if (last) {
      batches++;
      objects += last.batch.objects.length;
    }
    return { batches, objects };
  });
  const publish = process.argv.includes('--no-publish') ? null : await time(() => publishAll(file, mapping));
  if (!process.argv.includes('--keep')) fs.rmSync(file);
  const per = (t, n) => ({
    seconds: round(t.seconds),
    cpuSeconds: round(t.cpuSeconds),
    rowsPerSecond: Math.round(n / t.seconds),
    rowsPerCpuSecond: Math.round(n / t.cpuSeconds),
    MBps: Math.round((bytes / 1048576 / t.seconds) * 10) / 10,
    peakHeapGrowthMB: t.peakHeapGrowthMB,
    retainedMB: t.retainedMB,
  });
  const parseMapRate = Math.round(rows / parseMap.cpuSeconds);
  const report = {
    benchmark: 'ingestion-parse-map',
    node: process.version,
    loadAverage: os.loadavg().map((x) => round(x)),
    rows,
    fileMB: Math.round((bytes / 1048576) * 10) / 10,
    baseline: { what: 'createReadStream + count line breaks', ...per(baseline, baseline.result) },
    parse: { ...per(parse, parse.result), records: parse.result },
    parseMap: { ...per(parseMap, rows), ...parseMap.result },
    parseMapBatch: { ...per(parseMapBatch, rows), ...parseMapBatch.result },
    ...(publish ? { parseMapBatchPublish: { ...per(publish, rows), ...publish.result, targetRowsPerSecond: 10000, met: rows / publish.seconds >= 10000 } } : {}),
    ratioToBaseline: {
      what: 'baseline time / measured time (CPU seconds), 1 = as fast as just reading the file',
      parse: round(baseline.cpuSeconds / parse.cpuSeconds),
      parseMap: round(baseline.cpuSeconds / parseMap.cpuSeconds),
      parseMapBatch: round(baseline.cpuSeconds / parseMapBatch.cpuSeconds),
      ...(publish ? { parseMapBatchPublish: round(baseline.cpuSeconds / publish.cpuSeconds) } : {}),
    },
    target: { parseMapRowsPerCpuSecond: 300000, measured: parseMapRate, met: parseMapRate >= 300000 },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/**
 * parse → map → batch → encode → JetStream publish with PubAck, at most 8 unacknowledged, into a
 * stream of the bench's own (created, then deleted). What the job runner does per batch, less its
 * PostgreSQL checkpoint (one small transaction per batch of ~330 rows).
 */
async function publishAll(file, mapping) {
  const { connect, JSONCodec, StorageType, RetentionPolicy } = require('nats');
  const launcher = require('../../../scripts/lib/services.cjs');
  const stack = launcher.loadStackEnv();
  const nc = await connect({ servers: stack.NATS_URL, user: 'setup', pass: stack.VIGIE_NATS_PASSWORD_SETUP, name: 'bench-ingestion-publish' });
  const jsm = await nc.jetstreamManager();
  const stream = `BENCH_PUBLISH_${process.pid}`;
  const subject = `bench.publish.${process.pid}`;
  await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: 120_000_000_000 });
  const js = nc.jetstream();
  const codec = JSONCodec();
  const uploader = { subject: 'bench', clearance: 'NP', compartments: [] };
  try {
    const builder = new IngestBatchBuilder({ jobId: '00000000-0000-4000-8000-000000000000', source: 'bench' });
    const inFlight = [];
    let batches = 0;
    let bytes = 0;
    const send = async (planned) => {
      const data = codec.encode({ ...planned.batch, uploader });
      bytes += data.length;
      batches++;
      inFlight.push(js.publish(subject, data, { msgID: planned.msgId }));
      while (inFlight.length >= 8) await inFlight.shift();
    };
    for await (const batch of mapParsedBatches(parseCsvBatches(fs.createReadStream(file)), mapping)) {
      for (const item of batch) {
        if (item.kind !== 'mapped') continue;
        const closed = builder.add(item.position, item.objects, item.links);
        if (closed) await send(closed);
      }
    }
    const last = builder.flush(true);
    if (last) await send(last);
    await Promise.all(inFlight);
    const info = await jsm.streams.info(stream);
    return { batches, publishedMB: Math.round((bytes / 1048576) * 10) / 10, streamMessages: info.state.messages };
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.drain();
  }
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
