#!/usr/bin/env node
// Fault scenarios (issue 9), run by tests/faults/run.sh on a PRIVATE stack (VIGIE_STATE_DIR and
// ports of scripts/lib/isolated-stack.sh — it refuses the shared stack's default state dir).
// For each target in turn — the six services, nats-server, PostgreSQL — during an ingest of
// VIGIE_FAULTS_ROWS rows and a concurrent read load through the gateway:
//   kill -9 the target once the job is under way, restart it as a supervisor would (the process
//   only: nothing else is touched), then check that every service recovers by itself, the job
//   completes, the object / link counts of the job are exact (no loss, no duplicate) and the
//   tenant's audit chain verifies. Prints one JSON report (recovery time per scenario).
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
const gateway = `http://127.0.0.1:${launcher.SERVICES.find((s) => s.name === 'gateway').httpPort}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => process.stderr.write(`[faults] ${m}\n`);
let stack = launcher.loadStackEnv();
const password = fs.readFileSync(path.join(stateDir, 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();

const MAPPING = `
version: 1
name: fault-people
markings: { level: NP, compartments: [] }
objects:
  person:
    type: Person
    key: "person:{id}"
    properties:
      fullName: { concat: [first_name, last_name] }
      givenName: first_name
      familyName: last_name
  phone:
    type: Phone
    key: "phone:{phone}"
    properties:
      number: phone
links:
  - type: uses
    from: person
    to: phone
`;

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
  const stats = { requests: 0, byStatus: {} };
  let running = true;
  const worker = async (w) => {
    let i = w;
    while (running) {
      i++;
      let status;
      try {
        const r = i % 2 ? await api('alpha-dr', 'POST', '/search', { q: `Faute${i % 997}`, types: ['Person'], limit: 10 }, 5_000) : await api('alpha-dr', 'GET', '/objects?type=Phone&limit=10', undefined, 5_000);
        status = String(r.status);
      } catch (error) {
        status = error.name === 'TimeoutError' ? 'timeout' : 'connection';
        await sleep(200);
      }
      stats.requests++;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return {
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

/** Every service ready, the gateway's aggregate health up and a search answered: the platform is back. */
async function waitRecovered(timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
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
  const crashed = launcher.SERVICES.filter((s) => !launcher.runningPid(s.name)).map((s) => s.name);
  throw new Error(`not recovered within ${timeoutMs} ms: ${last}${crashed.length ? `; process exited (not restarted by this runner): ${crashed.join(', ')} — see ${path.join(stateDir, 'logs')}` : ''}`);
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

async function scenario(target, index, runBase) {
  const source = `faults-${target}-${runBase}`;
  const form = new FormData();
  form.set('format', 'csv');
  form.set('source', source);
  form.set('mapping', MAPPING);
  form.set('file', new Blob([peopleCsv(ROWS, runBase + index * ROWS)]), `${source}.csv`);
  const load = readLoad();
  const t0 = Date.now();
  const created = await api('alpha-ingest', 'POST', '/ingest/jobs', form, 120_000);
  if (created.status !== 201) throw new Error(`upload refused: ${created.status} ${created.text.slice(0, 300)}`);
  const jobId = created.body.id;
  // Kill once a fifth of the file is read (or the job is already past it).
  const before = await waitJob(jobId, (j) => (j.position?.index ?? -1) >= ROWS / 5 || !['pending', 'running'].includes(j.status), 600_000);
  log(`${target}: job ${jobId} at row ${before.position?.index ?? '?'} (${before.status}); kill -9`);
  const killedAt = await killAndRestart(target);
  const recoveredAt = await waitRecovered();
  const recoverySeconds = (recoveredAt - killedAt) / 1000;
  log(`${target}: recovered in ${recoverySeconds.toFixed(1)} s`);
  const job = await waitJob(jobId, (j) => !['pending', 'running'].includes(j.status), Math.max(600_000, ROWS * 100));
  const jobSeconds = (Date.now() - t0) / 1000;
  const reads = await load.stop();
  // The ontology writes behind the job (work queue): wait until every record is there.
  let db = await counts(jobId);
  const until = Date.now() + 120_000;
  while ((db.objects.n < 2 * ROWS || db.links.n < ROWS) && Date.now() < until) {
    await sleep(1_000);
    db = await counts(jobId);
  }
  const verify = await api('alpha-auditor', 'GET', '/audit/verify', undefined, 120_000);
  const result = {
    target,
    killedAtRow: before.position?.index ?? null,
    recoverySeconds,
    jobSeconds,
    job: { id: jobId, status: job.status, counts: job.counts, error: job.error },
    objects: db.objects,
    links: db.links,
    expected: { objects: 2 * ROWS, links: ROWS },
    auditChain: { status: verify.status, ok: verify.body?.ok ?? false, firstBad: verify.body?.firstBad ?? verify.body?.error ?? null },
    reads,
  };
  result.ok =
    job.status === 'completed' &&
    job.counts.read === ROWS &&
    job.counts.written === ROWS &&
    job.counts.quarantined === 0 &&
    db.objects.n === 2 * ROWS &&
    db.objects.keys === 2 * ROWS &&
    db.links.n === ROWS &&
    db.links.keys === ROWS &&
    result.auditChain.ok === true;
  return result;
}

async function main() {
  const started = Date.now();
  await waitRecovered(120_000);
  const runBase = Math.floor(Date.now() / 1000) % 100_000 * 10;
  const scenarios = [];
  for (const [i, target] of TARGETS.entries()) {
    try {
      scenarios.push(await scenario(target, i, runBase));
    } catch (error) {
      scenarios.push({ target, ok: false, error: error.message });
      log(`${target}: ${error.message}`);
      await waitRecovered(60_000).catch(() => undefined);
    }
    log(`${target}: ${scenarios[scenarios.length - 1].ok ? 'ok' : 'FAILED'}`);
  }
  const report = { rows: ROWS, targets: TARGETS, ok: scenarios.every((s) => s.ok), totalSeconds: (Date.now() - started) / 1000, scenarios };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exit(report.ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`faults: ${error.stack}`);
  process.exit(1);
});
