#!/usr/bin/env node
// Fault scenarios (issue 9), run by tests/faults/run.sh on a PRIVATE stack (VIGIE_STATE_DIR and
// ports of scripts/lib/isolated-stack.sh — it refuses the shared stack's default state dir).
// For each target in turn — the six services, nats-server, PostgreSQL — during an ingest of
// VIGIE_FAULTS_ROWS rows and a concurrent read load through the gateway:
//   kill -9 the target while the job is under way, restart it as a supervisor would (the process
//   only: nothing else is touched), then check that every service recovers by itself, the job
//   completes, the object / link counts of the job are exact (no loss, no duplicate) and the
//   tenant's audit chain verifies. Prints one JSON report (recovery time per scenario).
// VIGIE_FAULTS_MODE:
//   one-job (default) — ONE job of N rows; the kills are spread over it (target i once i+1 of T+1
//     parts of the rows are written); after each: recovery time, the time until the writer makes
//     progress again, no duplicate so far, the job not failed, the audit chain verifies; at the end
//     the job completes with exact counts. A target whose turn comes after the job ended gets a
//     fresh job of N rows (same checks). 8 faults for the price of one long ingest.
//   per-target — one job of N rows per target, killed once a fifth of the file is read.
// After each scenario the report so far is written to <state dir>/../report.partial.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Pool } = require('pg');

const ROOT = path.join(__dirname, '..', '..');
const launcher = require(path.join(ROOT, 'scripts/lib/services.cjs'));
const stateDir = launcher.stateDir();
if (path.resolve(stateDir) === path.resolve(ROOT, '.vigie')) {
  console.error('faults: refusing to run on the shared stack (.vigie): run through tests/faults/run.sh (a private stack)');
  process.exit(2);
}
const ROWS = Number(process.env.VIGIE_FAULTS_ROWS || 200_000);
if (!Number.isInteger(ROWS) || ROWS < 10) {
  console.error(`faults: VIGIE_FAULTS_ROWS must be an integer ≥ 10, got "${process.env.VIGIE_FAULTS_ROWS}"`);
  process.exit(2);
}
const ALL = ['ingestion', 'ontology', 'analytics', 'audit', 'identity', 'gateway', 'nats', 'postgres'];
const ONLY = (process.env.VIGIE_FAULTS_ONLY || '').split(',').filter(Boolean);
const unknown = ONLY.filter((t) => !ALL.includes(t));
if (unknown.length) {
  console.error(`faults: unknown target(s) ${unknown.join(', ')}; known: ${ALL.join(', ')}`);
  process.exit(2);
}
const TARGETS = ONLY.length ? ONLY : ALL;
const MODE = process.env.VIGIE_FAULTS_MODE || 'one-job';
if (!['one-job', 'per-target'].includes(MODE)) {
  console.error(`faults: VIGIE_FAULTS_MODE must be one-job or per-target, got "${MODE}"`);
  process.exit(2);
}
const PARTIAL = path.join(stateDir, '..', 'report.partial.json');
const gateway = `http://127.0.0.1:${launcher.SERVICES.find((s) => s.name === 'gateway').httpPort}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => process.stderr.write(`[faults] ${m}\n`);
let stack = launcher.loadStackEnv();
const password = fs.readFileSync(path.join(stateDir, 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();

// The shared people-with-phones mapping (CSV columns id, first_name, last_name, phone): a Person,
// a Phone and a `uses` link per row.
const MAPPING = fs.readFileSync(path.join(ROOT, 'tests/fixtures/mappings/people-with-phones.yaml'), 'utf8');

function peopleCsv(rows, base) {
  const lines = ['id,first_name,last_name,phone'];
  for (let i = 0; i < rows; i++) lines.push(`${base + i},Prenom${base + i},Faute${i % 997},+3361${String((base + i) % 10_000_000).padStart(7, '0')}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

const tokens = new Map();
async function token(user) {
  const cached = tokens.get(user);
  if (cached && Date.now() - cached.at < 60_000) return cached.token;
  const res = await fetch(`${stack.KEYCLOAK_URL}/realms/alpha/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username: user, password }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.json();
  if (!body.access_token) throw new Error(`login ${user}: HTTP ${res.status} ${body.error ?? ''}`);
  tokens.set(user, { token: body.access_token, at: Date.now() });
  return body.access_token;
}

async function api(user, method, p, body, timeoutMs = 15_000) {
  const headers = { authorization: `Bearer ${await token(user)}` };
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json';
  const res = await fetch(`${gateway}/api/v1${p}`, {
    method,
    headers,
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text };
}

/** A concurrent read load (search + list) until stopped; counts answers by status. */
function readLoad(concurrency = 3) {
  const stats = { requests: 0, byStatus: {}, samples: [] }; // samples: the first unexpected 5xx bodies
  let running = true;
  const worker = async (w) => {
    let i = w;
    while (running) {
      i++;
      let status;
      try {
        const r = i % 2 ? await api('alpha-dr', 'POST', '/search', { q: `Faute${i % 997}`, types: ['Person'], limit: 10 }, 5_000) : await api('alpha-dr', 'GET', '/objects?type=Phone&limit=10', undefined, 5_000);
        status = `${i % 2 ? 'search' : 'list'} ${r.status}`;
        if (r.status >= 500 && r.status !== 503 && stats.samples.length < 5) stats.samples.push({ route: i % 2 ? 'search' : 'list', status: r.status, at: new Date().toISOString(), body: r.text.slice(0, 300) });
      } catch (error) {
        status = `${i % 2 ? 'search' : 'list'} ${error.name === 'TimeoutError' ? 'timeout' : 'connection'}`;
        await sleep(200);
      }
      stats.requests++;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return {
    snapshot: () => ({ requests: stats.requests, byStatus: { ...stats.byStatus }, samples: [...stats.samples] }),
    stop: async () => {
      running = false;
      await done;
      return stats;
    },
  };
}

function pidFromFile(file) {
  try {
    return Number(fs.readFileSync(file, 'utf8').split('\n')[0].trim()) || undefined;
  } catch {
    return undefined;
  }
}
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return !/State:\s+Z/.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};
const childrenOf = (pid) => {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
};

/** kill -9, then restart the process alone, as a supervisor (kubelet, systemd) would. */
async function killAndRestart(target) {
  if (launcher.SERVICES.some((s) => s.name === target)) {
    const pid = launcher.runningPid(target);
    if (!pid) throw new Error(`${target} is not running before the fault`);
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(50);
    const killedAt = Date.now();
    fs.rmSync(path.join(stateDir, 'run', `${target}.pid`), { force: true });
    launcher.start(target);
    return killedAt;
  }
  const file = target === 'nats' ? path.join(stateDir, 'nats', 'nats-server.pid') : path.join(stateDir, 'pg', 'data', 'postmaster.pid');
  const pid = pidFromFile(file);
  if (!pid || !alive(pid)) throw new Error(`${target}: no running process in ${file}`);
  // PostgreSQL: the postmaster and its backends die together (as when its container is killed).
  const victims = target === 'postgres' ? [pid, ...childrenOf(pid)] : [pid];
  for (const v of victims) {
    try {
      process.kill(v, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  while (victims.some(alive)) await sleep(50);
  const killedAt = Date.now();
  const r = spawnSync('bash', ['scripts/stack/up.sh', target], { cwd: ROOT, encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`restarting ${target} failed:\n${r.stderr.slice(-2000)}`);
  stack = launcher.loadStackEnv();
  return killedAt;
}

/**
 * Every service ready, the gateway's aggregate health up and a search answered: the platform is
 * back. A service process that EXITED meanwhile (not the one killed on purpose) is a finding: it
 * is recorded in `crashed` and restarted, as a supervisor would, so that the recovery time and the
 * later scenarios can still be measured — the scenario fails all the same.
 */
async function waitRecovered(timeoutMs = 300_000, crashed = []) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    for (const s of launcher.SERVICES) {
      if (!launcher.runningPid(s.name)) {
        crashed.push({ service: s.name, at: new Date().toISOString(), logTail: logTail(s.name) });
        log(`${s.name} EXITED (see ${path.join(stateDir, 'logs', `${s.name}.log`)}); restarting it as a supervisor would`);
        fs.rmSync(path.join(stateDir, 'run', `${s.name}.pid`), { force: true });
        launcher.start(s.name);
      }
    }
    try {
      const ready = await Promise.all(launcher.SERVICES.map((s) => fetch(`http://127.0.0.1:${s.healthPort}/health/ready`, { signal: AbortSignal.timeout(3_000) }).then((r) => r.ok, () => false)));
      const health = await fetch(`${gateway}/api/v1/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.json(), () => ({}));
      if (ready.every(Boolean) && health.status === 'up') {
        const search = await api('alpha-dr', 'POST', '/search', { q: 'Faute1', limit: 1 }, 5_000);
        if (search.status === 200) return Date.now();
        last = `search ${search.status}`;
      } else last = `ready ${JSON.stringify(launcher.SERVICES.map((s, i) => `${s.name}:${ready[i]}`))} health ${health.status}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(250);
  }
  throw new Error(`not recovered within ${timeoutMs} ms: ${last}${crashed.length ? `; exited meanwhile: ${crashed.map((c) => c.service).join(', ')}` : ''}`);
}

/** The last lines of a service's log that say why it ended (an uncaught error), for the report. */
function logTail(name) {
  try {
    const lines = fs.readFileSync(path.join(stateDir, 'logs', `${name}.log`), 'utf8').split('\n');
    const at = lines.findLastIndex((l) => /Unhandled|Error:|FATAL|throw/.test(l));
    return (at >= 0 ? lines.slice(Math.max(0, at - 2), at + 8) : lines.slice(-10)).join('\n').slice(0, 1500);
  } catch {
    return null;
  }
}

async function waitJob(id, predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const r = await api('alpha-ingest', 'GET', `/ingest/jobs/${id}`);
      if (r.status === 200) {
        last = r.body;
        if (predicate(last)) return last;
      }
    } catch {
      /* the platform is recovering */
    }
    await sleep(500);
  }
  throw new Error(`job ${id}: condition not met within ${timeoutMs} ms (last ${JSON.stringify(last)?.slice(0, 400)})`);
}

async function counts(jobId) {
  const pool = new Pool({ connectionString: stack.VIGIE_PG_ADMIN_URL, max: 1 });
  try {
    const q = async (table) =>
      (
        await pool.query(`SELECT count(*)::int AS n, count(DISTINCT source_key)::int AS keys FROM ontology.${table} WHERE tenant = 'alpha' AND provenance->>'jobId' = $1 AND deleted_at IS NULL`, [jobId])
      ).rows[0];
    return { objects: await q('object'), links: await q('link') };
  } finally {
    await pool.end();
  }
}

/** The read answers between two snapshots of the read load. */
function readsBetween(a, b) {
  const byStatus = {};
  for (const [k, v] of Object.entries(b.byStatus)) if (v - (a.byStatus[k] ?? 0) > 0) byStatus[k] = v - (a.byStatus[k] ?? 0);
  return { requests: b.requests - a.requests, byStatus, unexpected5xx: b.samples.slice(a.samples.length) };
}

async function uploadJob(source, base) {
  const form = new FormData();
  form.set('format', 'csv');
  form.set('source', source);
  form.set('mapping', MAPPING);
  form.set('file', new Blob([peopleCsv(ROWS, base)]), `${source}.csv`);
  const created = await api('alpha-ingest', 'POST', '/ingest/jobs', form, 300_000);
  if (created.status !== 201) throw new Error(`upload refused: ${created.status} ${created.text.slice(0, 300)}`);
  return created.body.id;
}

async function verifyChain() {
  const verify = await api('alpha-auditor', 'GET', '/audit/verify', undefined, 300_000);
  return { status: verify.status, ok: verify.body?.ok ?? false, firstBad: verify.body?.firstBad ?? verify.body?.error ?? null };
}

/** The job's final checks: completed, read = written = N, nothing quarantined, 2 N objects and N links with as many distinct keys. */
async function finalChecks(jobId) {
  const job = await waitJob(jobId, (j) => !['pending', 'running'].includes(j.status), Math.max(600_000, ROWS * 100));
  // The ontology writes behind the job (work queue): wait until every record is there.
  let db = await counts(jobId);
  const until = Date.now() + 120_000;
  while ((db.objects.n < 2 * ROWS || db.links.n < ROWS) && Date.now() < until) {
    await sleep(1_000);
    db = await counts(jobId);
  }
  const auditChain = await verifyChain();
  const ok =
    job.status === 'completed' &&
    job.counts.read === ROWS &&
    job.counts.written === ROWS &&
    job.counts.quarantined === 0 &&
    db.objects.n === 2 * ROWS &&
    db.objects.keys === 2 * ROWS &&
    db.links.n === ROWS &&
    db.links.keys === ROWS &&
    auditChain.ok === true;
  return { job: { id: jobId, status: job.status, counts: job.counts, error: job.error }, objects: db.objects, links: db.links, expected: { objects: 2 * ROWS, links: ROWS }, auditChain, ok };
}

/** Waits until the job's written count passes `from` (the writer makes progress again) or the job ends. */
async function waitProgress(jobId, from, timeoutMs = 600_000) {
  const j = await waitJob(jobId, (x) => (x.counts?.written ?? 0) > from || !['pending', 'running'].includes(x.status), timeoutMs);
  return j;
}

/** per-target mode: one job of N rows per target, killed once a fifth of the file is read. */
async function scenario(target, index, runBase, load) {
  const source = `faults-${target}-${runBase}`;
  const r0 = load.snapshot();
  const t0 = Date.now();
  const jobId = await uploadJob(source, runBase + index * ROWS);
  const before = await waitJob(jobId, (j) => (j.position?.index ?? -1) >= ROWS / 5 || !['pending', 'running'].includes(j.status), 600_000);
  log(`${target}: job ${jobId} at row ${before.position?.index ?? '?'}, ${before.counts?.written ?? 0} written (${before.status}); kill -9`);
  const killedAt = await killAndRestart(target);
  const crashed = [];
  const recoveredAt = await waitRecovered(300_000, crashed);
  const recoverySeconds = (recoveredAt - killedAt) / 1000;
  log(`${target}: recovered in ${recoverySeconds.toFixed(1)} s${crashed.length ? ` (after restarting ${crashed.map((c) => c.service).join(', ')}, which exited)` : ''}`);
  const final = await finalChecks(jobId);
  if (crashed.length) final.ok = false;
  return {
    crashed,
    target,
    mode: 'per-target',
    killedAtRow: before.position?.index ?? null,
    killedAtWritten: before.counts?.written ?? null,
    recoverySeconds,
    jobSeconds: (Date.now() - t0) / 1000,
    ...final,
    reads: readsBetween(r0, load.snapshot()),
  };
}

/**
 * one-job mode: one job of N rows, the targets killed in turn as the writing advances (target i
 * once (i+1)/(T+1) of the rows are written). Returns one result per target killed while the job
 * ran, and the targets whose turn came after it ended (for the next job).
 */
async function oneJob(targets, jobIndex, runBase, load) {
  const source = `faults-one-job-${jobIndex}-${runBase}`;
  const t0 = Date.now();
  const jobId = await uploadJob(source, runBase + jobIndex * ROWS);
  log(`job ${jobId}: ${ROWS} rows; faults in turn: ${targets.join(', ')}`);
  const results = [];
  let left = [...targets];
  for (const [i, target] of targets.entries()) {
    const threshold = Math.floor((ROWS * (i + 1)) / (targets.length + 1));
    const before = await waitJob(jobId, (j) => (j.counts?.written ?? 0) >= threshold || !['pending', 'running'].includes(j.status), Math.max(600_000, ROWS * 50));
    if (!['pending', 'running'].includes(before.status)) {
      log(`job ${jobId} ended (${before.status}) before ${target}'s turn`);
      break;
    }
    const r0 = load.snapshot();
    const writtenAtKill = before.counts?.written ?? 0;
    log(`${target}: job at row ${before.position?.index ?? '?'}, ${writtenAtKill} written; kill -9`);
    const result = { target, mode: 'one-job', jobId, killedAtRow: before.position?.index ?? null, killedAtWritten: writtenAtKill };
    try {
      const killedAt = await killAndRestart(target);
      left = left.filter((t) => t !== target);
      result.crashed = [];
      const recoveredAt = await waitRecovered(300_000, result.crashed);
      result.recoverySeconds = (recoveredAt - killedAt) / 1000;
      log(`${target}: recovered in ${result.recoverySeconds.toFixed(1)} s${result.crashed.length ? ` (after restarting ${result.crashed.map((c) => c.service).join(', ')}, which exited)` : ''}`);
      const progressed = await waitProgress(jobId, writtenAtKill);
      result.writingResumedSeconds = (Date.now() - killedAt) / 1000;
      result.jobAfter = { status: progressed.status, written: progressed.counts?.written ?? null, quarantined: progressed.counts?.quarantined ?? null };
      const db = await counts(jobId);
      result.noDuplicateSoFar = db.objects.n === db.objects.keys && db.links.n === db.links.keys;
      result.soFar = { objects: db.objects, links: db.links };
      result.auditChain = await verifyChain();
      result.reads = readsBetween(r0, load.snapshot());
      result.ok = result.crashed.length === 0 && result.noDuplicateSoFar && result.auditChain.ok === true && !['failed', 'cancelled'].includes(progressed.status) && (progressed.counts?.quarantined ?? 0) === 0;
    } catch (error) {
      result.ok = false;
      result.error = error.message;
      log(`${target}: ${error.message}`);
      await waitRecovered(60_000).catch(() => undefined);
    }
    log(`${target}: ${result.ok ? 'ok' : 'FAILED'}`);
    results.push(result);
    writePartial({ inProgress: { jobId, results } });
  }
  const final = await finalChecks(jobId);
  final.jobSeconds = (Date.now() - t0) / 1000;
  log(`job ${jobId}: ${final.job.status} in ${final.jobSeconds.toFixed(0)} s, ${final.objects.n} objects / ${final.links.n} links, chain ${final.auditChain.ok ? 'verifies' : 'BROKEN'}: ${final.ok ? 'ok' : 'FAILED'}`);
  // A fault is proven only if the job it hit ended exact.
  for (const r of results) {
    r.jobFinal = { ok: final.ok, status: final.job.status };
    r.ok = r.ok === true && final.ok;
  }
  return { job: final, results, left };
}

let report = {};
function writePartial(extra = {}) {
  try {
    fs.writeFileSync(PARTIAL, `${JSON.stringify({ ...report, ...extra }, null, 2)}\n`);
  } catch {
    /* the report on stdout is what counts */
  }
}

async function main() {
  const started = Date.now();
  await waitRecovered(120_000);
  const runBase = (Math.floor(Date.now() / 1000) % 100_000) * 10;
  report = { rows: ROWS, mode: MODE, targets: TARGETS, startedAt: new Date(started).toISOString(), scenarios: [], jobs: [] };
  const load = readLoad();
  if (MODE === 'per-target') {
    for (const [i, target] of TARGETS.entries()) {
      let result;
      try {
        result = await scenario(target, i, runBase, load);
      } catch (error) {
        result = { target, ok: false, error: error.message };
        log(`${target}: ${error.message}`);
        await waitRecovered(60_000).catch(() => undefined);
      }
      report.scenarios.push(result);
      log(`${target}: ${result.ok ? 'ok' : 'FAILED'}`);
      writePartial();
    }
  } else {
    let left = [...TARGETS];
    for (let jobIndex = 0; left.length > 0; jobIndex++) {
      let outcome;
      try {
        outcome = await oneJob(left, jobIndex, runBase, load);
      } catch (error) {
        log(`job ${jobIndex}: ${error.message}`);
        report.jobs.push({ ok: false, error: error.message });
        for (const t of left) report.scenarios.push({ target: t, ok: false, error: `not run: ${error.message}` });
        break;
      }
      report.jobs.push(outcome.job);
      report.scenarios.push(...outcome.results);
      if (outcome.left.length === left.length) {
        // Not one fault landed in this job (it ended first): stop rather than loop.
        for (const t of left) report.scenarios.push({ target: t, ok: false, error: 'the job ended before this fault could be injected' });
        break;
      }
      left = outcome.left;
      writePartial();
    }
  }
  const reads = await load.stop();
  report.reads = reads;
  report.ok = report.scenarios.length === TARGETS.length && report.scenarios.every((s) => s.ok) && report.jobs.every((j) => j.ok !== false);
  report.totalSeconds = (Date.now() - started) / 1000;
  writePartial();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exit(report.ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`faults: ${error.stack}`);
  process.exit(1);
});
