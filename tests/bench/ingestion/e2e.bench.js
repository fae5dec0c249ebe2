#!/usr/bin/env node
// End-to-end ingestion benchmark, against the running local stack (npm run up):
//   upload of a generated CSV of N rows (each row: a person, a phone, a link between them)
//   through the gateway, until the job is completed (every object and link committed by the
//   ontology writer) — beside a raw COPY of the same file into a bare table, in the same run.
// Prints JSON: rows/s of both, the ratio to COPY, the phases of the job, and the peak RSS
// (VmHWM, reset at the start when the kernel allows) and RSS samples of every service process.
// The mapping is tests/fixtures/mappings/people-with-phones.yaml (the ingestion tests' own).
// Also reported: the CPU seconds of every service, of PostgreSQL by role and of nats-server during
// the job (tests/bench/lib/cpu-account.js) — milliseconds of CPU per row do not depend on the
// machine's other load the way rows/s does; the machine's load average at the start and the end, and how many batches the
// ontology refused for a token that expired while they waited and ingestion published again.
//
// After completion the bench waits for the derived work to catch up (unless --no-drain): the analytics
// projection (its durable consumer on ONTOLOGY has nothing pending) and the background entity
// resolution (the ontology's resolution queue is empty) — `drain` says when search saw every record
// and when every record was resolved, with the CPU of that phase on its own.
//
// Millions of objects do not belong on the shared development stack: above --max-shared-rows
// (20,000) the bench refuses to run on the default state dir (.vigie) unless --allow-shared;
// run it on an isolated stack (docs/ingestion.md, "Benchmark") and remove that stack afterwards.
//
// The per-record path stores ≈ 16 GB per million rows (PostgreSQL tables, WAL, JetStream: measured
// on the 5M attempt of 2026-11-29, which filled the disk at 1.64M rows and took services down
// with it): the bench refuses to start when the state dir's filesystem has less free space than the
// run needs (--gb-per-million-rows, --skip-disk-check),
// or nats-server's JetStream store less room than the run's streams need (--jetstream-gb-per-million-rows).
// While the job runs it prints a progress line
// to stderr every minute (rows written, rate, RSS of every service), and when it fails it still
// prints the figures gathered so far as JSON (`partial`).
//   node tests/bench/ingestion/e2e.bench.js [--rows 200000] [--timeout-min 120] [--user alpha-ingest] [--allow-shared] [--no-drain]
//   node tests/bench/ingestion/e2e.bench.js --attach JOB_ID --rows <the job's rows> [--timeout-min 120]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes, randomInt } = require('node:crypto');
const launcher = require('../../../scripts/lib/services.cjs');
const { startCpuAccount } = require('../lib/cpu-account');
const { copyPeopleCsv, writePeopleCsv } = require('../lib/people-csv');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const ROWS = Number(arg('rows', 200_000));
const TIMEOUT_MS = Number(arg('timeout-min', 120)) * 60_000;
const USER = arg('user', 'alpha-ingest');
const DIGIT_NAMES = process.argv.includes('--digit-names');
const REALM = arg('realm', 'alpha');
const DRAIN = !process.argv.includes('--no-drain');
// --attach JOB: follow a job that is already running (one a previous bench started, whose stack was
// stopped — a session's end, a reboot — and started again: the job resumes from its last
// acknowledged batch) to its end, with the same progress lines, counts, RSS and CPU; no upload and
// no COPY baseline, and rates only over the part followed.
const ATTACH = arg('attach', null);
const SKIP_ROOM_CHECKS = ATTACH !== null || process.argv.includes('--skip-disk-check');
const stack = launcher.loadStackEnv();
const SHARED = path.resolve(launcher.stateDir()) === path.resolve(launcher.ROOT, '.vigie');
if (SHARED && ROWS > Number(arg('max-shared-rows', 20_000)) && !process.argv.includes('--allow-shared')) {
  console.error(`e2e.bench: ${ROWS} rows would stay on the shared stack (${launcher.stateDir()}); run it on an isolated stack (VIGIE_STATE_DIR=…) or pass --allow-shared`);
  process.exit(2);
}
const GB_PER_MILLION_ROWS = Number(arg('gb-per-million-rows', 16));
if (!SKIP_ROOM_CHECKS) {
  const stat = fs.statfsSync(launcher.stateDir());
  const freeGb = (stat.bavail * stat.bsize) / 1e9;
  const needGb = (ROWS / 1e6) * GB_PER_MILLION_ROWS;
  if (freeGb < needGb) {
    console.error(
      `e2e.bench: ${ROWS} rows need ≈ ${needGb.toFixed(1)} GB free under ${launcher.stateDir()} (${GB_PER_MILLION_ROWS} GB per million rows), ${freeGb.toFixed(1)} GB are: free space, or pass --skip-disk-check`,
    );
    process.exit(2);
  }
}
const gateway = `http://127.0.0.1:${launcher.SERVICES.find((s) => s.name === 'gateway').httpPort}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const MAPPING = fs.readFileSync(path.join(__dirname, '../../fixtures/mappings/people-with-phones.yaml'), 'utf8');

const copyBaseline = (file) => copyPeopleCsv(stack.VIGIE_PG_ADMIN_URL || stack.VIGIE_DB_URL_INGESTION, file);

async function token() {
  const password = fs.readFileSync(path.join(launcher.realmSecretsDir(stack), 'dev-user-password'), 'utf8').trim();
  const res = await fetch(`${stack.KEYCLOAK_URL}/realms/${REALM}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username: USER, password }),
  });
  const body = await res.json();
  if (!body.access_token) throw new Error(`login ${USER}@${REALM} failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

function servicePids() {
  const dir = path.join(launcher.stateDir(), 'run');
  const pids = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.pid'))) {
    const pid = Number(fs.readFileSync(path.join(dir, f), 'utf8'));
    if (pid && fs.existsSync(`/proc/${pid}/status`)) pids[f.replace(/\.pid$/, '')] = pid;
  }
  return pids;
}

function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rssMiB: round(kb('VmRSS') / 1024), hwmMiB: round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/** Resets the peak RSS (VmHWM) of a process (`echo 5 > /proc/<pid>/clear_refs`); false when not allowed. */
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const round = (x) => Math.round(x * 100) / 100;

/** Lines of a service's log (in the stack's state dir) that match. */
function logLines(service, match) {
  try {
    return fs.readFileSync(path.join(launcher.stateDir(), 'logs', `${service}.log`), 'utf8').split('\n').filter(match);
  } catch {
    return [];
  }
}

/** Messages the analytics projector has not acknowledged yet (pending + in flight), from the NATS monitor. */
async function projectorBacklog() {
  const res = await fetch(`${stack.NATS_MONITOR_URL}/jsz?accounts=true&streams=true&consumers=true`);
  if (!res.ok) throw new Error(`NATS monitor: HTTP ${res.status}`);
  const jsz = await res.json();
  for (const account of jsz.account_details ?? []) {
    for (const stream of account.stream_detail ?? []) {
      if (stream.name !== 'ONTOLOGY') continue;
      const consumer = (stream.consumer_detail ?? []).find((c) => c.name === 'analytics-projector');
      if (consumer) return consumer.num_pending + consumer.num_ack_pending;
    }
  }
  throw new Error('NATS monitor: no analytics-projector consumer on the ONTOLOGY stream');
}

/** Records queued for the background fuzzy resolution. */
async function resolutionBacklog(pg) {
  const { rows } = await pg.query('SELECT count(*)::int AS n FROM ontology.resolution_pending');
  return rows[0].n;
}

/**
 * Waits until the projection and the resolution have caught up with the job; seconds from the
 * job's completion until each was reached (null if not within the timeout).
 */
async function drain(completedAt, timeoutMs) {
  const { Client } = require('pg');
  const pg = new Client({ connectionString: stack.VIGIE_DB_URL_ONTOLOGY, application_name: 'vigie-bench-drain' });
  pg.on('error', () => undefined); // a restart of PostgreSQL fails the next query (reported), not the process
  await pg.connect();
  try {
    let projectedAt = null;
    let resolvedAt = null;
    while ((projectedAt === null || resolvedAt === null) && Date.now() - completedAt < timeoutMs) {
      if (projectedAt === null && (await projectorBacklog()) === 0) projectedAt = Date.now();
      if (resolvedAt === null && (await resolutionBacklog(pg)) === 0) resolvedAt = Date.now();
      if (projectedAt === null || resolvedAt === null) await sleep(1000);
    }
    const since = (t) => (t === null ? null : round((t - completedAt) / 1000));
    return { projectedSeconds: since(projectedAt), resolvedSeconds: since(resolvedAt) };
  } finally {
    await pg.end();
  }
}

/** What a run had gathered when it failed: printed with the error. */
const partial = { rows: ROWS, job: null, elapsedSeconds: null, progress: [] };

// JetStream keeps ≈ 2.6 GB per million imported rows (the ONTOLOGY stream's change events for its
// 30 days, ≈ 2.2 kB per row, the AUDIT stream and the upload itself; 8.6 GB at 3.27M rows on the
// seventh stop's 5M attempt, which waited 7 min when the 8 GB store was full).
const JETSTREAM_GB_PER_MILLION_ROWS = Number(arg('jetstream-gb-per-million-rows', 2.6));

/** Refuses to start when nats-server's store (its monitoring endpoint says its limit and use) cannot hold the run. */
async function checkJetStreamRoom() {
  if (SKIP_ROOM_CHECKS || !stack.NATS_MONITOR_URL) return;
  const jsz = await fetch(`${stack.NATS_MONITOR_URL}/jsz`).then((r) => r.json());
  const roomGb = (jsz.config.max_storage - jsz.storage) / 1e9;
  const needGb = (ROWS / 1e6) * JETSTREAM_GB_PER_MILLION_ROWS;
  if (roomGb < needGb) {
    console.error(
      `e2e.bench: ${ROWS} rows need ≈ ${needGb.toFixed(1)} GB of JetStream store (${JETSTREAM_GB_PER_MILLION_ROWS} GB per million rows), nats-server has ${roomGb.toFixed(1)} GB left of ${(jsz.config.max_storage / 1e9).toFixed(1)}: restart it with a larger store (bash scripts/stack/down.sh nats; VIGIE_NATS_MAX_FILE_STORE=40GB bash scripts/stack/up.sh nats), or pass --skip-disk-check`,
    );
    process.exit(2);
  }
}

async function main() {
  await checkJetStreamRoom();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-ingest-bench-'));
  const file = path.join(dir, 'people.csv');
  const tag = randomBytes(4).toString('hex');
  const loadStart = os.loadavg().map(round);
  try {
    const base = randomInt(0, 80_000_000);
    const bytes = ATTACH ? null : await writePeopleCsv(file, ROWS, { tag, base, digitNames: DIGIT_NAMES });
    const copy = ATTACH ? null : copyBaseline(file);
    const bearer = await token();
    const pids = servicePids();
    // Attached, the peaks are left alone: they are the services' own since they started (with the
    // stack, for a job resumed after a restart), and another bench may be following the same job.
    const peakReset = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, ATTACH ? false : resetPeak(pid)]));
    const samples = Object.fromEntries(Object.keys(pids).map((n) => [n, []]));
    const sample = (label) => {
      for (const [n, pid] of Object.entries(pids)) {
        const m = memoryOf(pid);
        if (m) samples[n].push({ at: label, rssMiB: m.rssMiB });
      }
    };
    sample('start');
    const cpu = await startCpuAccount({
      services: pids,
      pgUrl: stack.VIGIE_PG_ADMIN_URL,
      natsMatch: path.join(path.resolve(launcher.stateDir()), 'nats'),
    });

    // Upload: multipart, streamed from the file.
    const boundary = `----vigiebench${tag}`;
    async function* body() {
      const field = (k, v) => Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
      yield field('format', 'csv');
      yield field('source', `bench-${tag}`);
      yield field('mapping', MAPPING);
      yield Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="people.csv"\r\ncontent-type: text/csv\r\n\r\n`);
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 16 })) yield chunk;
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const t0 = Date.now();
    const res = ATTACH
      ? await fetch(`${gateway}/api/v1/ingest/jobs/${ATTACH}`, { headers: { authorization: `Bearer ${bearer}` } })
      : await fetch(`${gateway}/api/v1/ingest/jobs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
          body: body(),
          duplex: 'half',
        });
    const created = await res.json();
    if (res.status !== (ATTACH ? 200 : 201)) throw new Error(`${ATTACH ? `job ${ATTACH}` : 'upload refused'}: HTTP ${res.status} ${JSON.stringify(created)}`);
    const writtenAtStart = ATTACH ? created.counts.written : 0;
    const uploadSeconds = ATTACH ? null : (Date.now() - t0) / 1000;
    sample('uploaded');

    let job = created;
    let readAllAt = null;
    let auth = bearer;
    let authAt = Date.now();
    const marks = new Set();
    let lastProgress = { at: Date.now(), written: writtenAtStart };
    while (!['completed', 'failed', 'cancelled'].includes(job.status)) {
      if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`job ${job.id} not done after ${TIMEOUT_MS / 60000} min: ${JSON.stringify(job.counts)}`);
      await sleep(500);
      if (Date.now() - authAt > 120_000) {
        auth = await token();
        authAt = Date.now();
      }
      const r = await fetch(`${gateway}/api/v1/ingest/jobs/${created.id}`, { headers: { authorization: `Bearer ${auth}` } });
      if (r.ok) job = await r.json();
      if (readAllAt === null && job.counts.read >= ROWS) readAllAt = Date.now();
      partial.job = { id: job.id, status: job.status, counts: job.counts };
      partial.elapsedSeconds = round((Date.now() - t0) / 1000);
      if (Date.now() - lastProgress.at >= 60_000) {
        const rate = Math.round((job.counts.written - lastProgress.written) / ((Date.now() - lastProgress.at) / 1000));
        const rss = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, memoryOf(pid)?.rssMiB ?? null]));
        partial.progress.push({ seconds: partial.elapsedSeconds, written: job.counts.written, rowsPerSecond: rate, rssMiB: rss });
        console.error(`e2e.bench: ${partial.elapsedSeconds} s, ${job.counts.written} of ${ROWS} written (${rate} rows/s over the last minute), RSS MiB ${Object.entries(rss).map(([n, v]) => `${n} ${v}`).join(', ')}`);
        lastProgress = { at: Date.now(), written: job.counts.written };
      }
      for (const q of [10, 20, 30, 40, 50, 60, 70, 80, 90]) {
        if (!marks.has(q) && job.counts.written >= (ROWS * q) / 100) {
          marks.add(q);
          sample(`${q}% written`);
        }
      }
    }
    const totalSeconds = (Date.now() - t0) / 1000;
    sample('completed');
    const followed = ATTACH ? job.counts.written - writtenAtStart : ROWS;
    const cpuUsed = await cpu.stop(followed);
    let drained = null;
    if (DRAIN) {
      const completedAt = Date.now();
      const drainCpu = await startCpuAccount({ services: pids, pgUrl: stack.VIGIE_PG_ADMIN_URL, natsMatch: path.join(path.resolve(launcher.stateDir()), 'nats') });
      const reached = await drain(completedAt, TIMEOUT_MS);
      sample('drained');
      drained = { ...reached, cpu: await drainCpu.stop(followed) };
    }
    // A service restarted during the run (by someone else on a shared stack) has no peak of its own: its highest sample stands in.
    const peak = Object.fromEntries(
      Object.entries(pids).map(([n, pid]) => [n, memoryOf(pid)?.hwmMiB ?? (samples[n].length ? Math.max(...samples[n].map((x) => x.rssMiB)) : null)]),
    );
    const rowsPerSecond = Math.round(followed / totalSeconds);
    const republished = logLines('ingestion', (l) => l.includes(job.id) && l.includes('published again with a fresh token')).length;
    const deadLettered = logLines('ingestion', (l) => l.includes(job.id) && l.includes('was dead-lettered by the ontology writer')).length;
    console.log(
      JSON.stringify(
        {
          rows: ROWS,
          names: DIGIT_NAMES ? 'digit-suffixed (--digit-names)' : 'distinct, spelled from the row number',
          bytes,
          stateDir: launcher.stateDir(),
          loadAverage: { start: loadStart, end: os.loadavg().map(round) },
          baseline: copy ? { name: 'psql \\copy into a bare table', ...copy } : null,
          attached: ATTACH ? { writtenAtStart, followedRows: followed } : null,
          ingest: {
            jobId: job.id,
            status: job.status,
            counts: job.counts,
            balanced: job.counts.read === job.counts.written + job.counts.quarantined,
            uploadSeconds: uploadSeconds === null ? null : round(uploadSeconds),
            readAndPublishedSeconds: readAllAt ? round((readAllAt - t0) / 1000) : null,
            totalSeconds: round(totalSeconds),
            rowsPerSecond,
            objectsAndLinksPerSecond: Math.round((3 * followed) / totalSeconds),
          },
          // Three significant digits: at today's writer rates the ratio is far below 0.01.
          ratioToCopy: copy ? Number((ROWS / totalSeconds / copy.rowsPerSecond).toPrecision(3)) : null,
          batchesRepublishedForExpiredToken: republished,
          batchesDeadLettered: deadLettered,
          // CPU seconds by service and by PostgreSQL role from upload to completion (the fuzzy
          // resolution of the records runs in the ontology's background meanwhile and is counted).
          cpu: cpuUsed,
          // After completion: when the analytics projection had applied every change (search sees
          // every record) and the resolution queue was empty, and the CPU of that phase.
          drain: drained,
          peakRssMiB: peak,
          peakRssResetAtStart: peakReset,
          rssSamplesMiB: samples,
          // Every minute of the job: rows written, the last minute's rate and every service's RSS.
          progress: partial.progress,
        },
        null,
        2,
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.stack ?? error.message);
  console.log(JSON.stringify({ error: error.message, partial }, null, 2));
  process.exit(1);
});
