#!/usr/bin/env node
// Starts, stops and checks the platform's service processes on the local stack.
// Used by `npm run up`, `npm test` and the platform tests (tests/).
//   node scripts/lib/services.cjs start|stop|status|migrate|setup-streams [service ...]
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

/** The services, their local ports (shifted by VIGIE_PORT_OFFSET, so a second stack can run beside), and what they connect to. */
const OFFSET = Number(process.env.VIGIE_PORT_OFFSET || 0);
const SERVICES = [
  { name: 'gateway', healthPort: 3100, httpPort: 3000, db: false, keycloak: true },
  { name: 'identity', healthPort: 3101, db: true, keycloak: true },
  { name: 'ingestion', healthPort: 3102, db: true },
  { name: 'ontology', healthPort: 3103, db: true },
  { name: 'analytics', healthPort: 3104, db: true },
  { name: 'audit', healthPort: 3105, db: true },
].map((s) => ({ ...s, healthPort: s.healthPort + OFFSET, ...(s.httpPort ? { httpPort: s.httpPort + OFFSET } : {}) }));

function stateDir() {
  return process.env.VIGIE_STATE_DIR || path.join(ROOT, '.vigie');
}

/** Reads `.vigie/stack.env` written by scripts/stack/up.sh. */
function loadStackEnv(dir = stateDir()) {
  const file = path.join(dir, 'stack.env');
  if (!fs.existsSync(file)) throw new Error(`${file} not found: start the stack first (npm run stack:up)`);
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
  }
  return env;
}

function findService(name) {
  const s = SERVICES.find((x) => x.name === name);
  if (!s) throw new Error(`Unknown service "${name}"; known: ${SERVICES.map((x) => x.name).join(', ')}`);
  return s;
}

/** The local stack's audit checkpoint signing key (Ed25519, PKCS#8 PEM), generated once into .vigie/. */
function localAuditSigningKey(dir = stateDir()) {
  const file = path.join(dir, 'audit-signing-key.pem');
  if (!fs.existsSync(file)) {
    const { privateKey } = require('node:crypto').generateKeyPairSync('ed25519');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8');
}

/** The environment one service runs with on the local stack. */
function serviceEnv(name, stack = loadStackEnv(), overrides = {}) {
  const s = findService(name);
  const upper = name.toUpperCase();
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    NATS_URL: stack.NATS_URL,
    NATS_USER: name,
    NATS_PASSWORD: stack[`VIGIE_NATS_PASSWORD_${upper}`],
    HEALTH_PORT: String(s.healthPort),
    // OpenTelemetry's NodeSDK pushes metrics and logs over OTLP to localhost:4318 unless told
    // otherwise: Vigie exports only traces (OTEL_EXPORTER_OTLP_ENDPOINT, VIGIE_TRACE_FILE) and
    // serves metrics on /metrics. With no collector there, the final flush retried for ~9 s on
    // every stop (the gateway's slow drain).
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
  if (s.httpPort) env.HTTP_PORT = String(s.httpPort);
  // The store limit nats-server was started with: health reports JetStream degraded from 90 % used.
  if (stack.NATS_JETSTREAM_MAX_STORAGE) env.NATS_JETSTREAM_MAX_STORAGE = stack.NATS_JETSTREAM_MAX_STORAGE;
  if (s.db) {
    env.DATABASE_URL = stack[`VIGIE_DB_URL_${upper}`];
    env.DATABASE_SCHEMA = name;
  }
  if (name === 'audit' && stack.VIGIE_DB_URL_AUDIT_WRITER) env.AUDIT_WRITER_DATABASE_URL = stack.VIGIE_DB_URL_AUDIT_WRITER;
  if (name === 'audit') {
    env.AUDIT_SIGNING_KEY = localAuditSigningKey();
    env.AUDIT_ARCHIVE_DIR = path.join(stateDir(), 'audit-archive');
  }
  if (s.keycloak) env.KEYCLOAK_URL = stack.KEYCLOAK_URL;
  if (name === 'identity') {
    env.KEYCLOAK_ADMIN_USER = stack.KEYCLOAK_ADMIN_USER;
    env.KEYCLOAK_ADMIN_PASSWORD = stack.KEYCLOAK_ADMIN_PASSWORD;
    // Realms as code (reconcile-realms) and the secrets they name, generated locally on first run.
    env.REALMS_DIR = path.join(ROOT, 'config/realms');
    env.REALM_SECRETS_DIR = realmSecretsDir(stack);
    env.REALM_SECRETS_GENERATE = 'true';
  }
  // The service's own client-credentials (a confidential client `vigie-<name>` in every realm),
  // once reconcile-realms has generated its secret.
  const clientSecret = readRealmSecret(stack, `client-vigie-${name}`);
  if (clientSecret) {
    env.SERVICE_CLIENT_ID = `vigie-${name}`;
    env.SERVICE_CLIENT_SECRET = clientSecret;
  }
  // Tests collect every service's spans to follow one trace across processes.
  if (process.env.VIGIE_TRACE_DIR) env.VIGIE_TRACE_FILE = path.join(process.env.VIGIE_TRACE_DIR, `${name}.ndjson`);
  return { ...env, ...overrides };
}

/** Where reconcile-realms keeps the secrets named by realm files (client secrets, seed passwords). */
function realmSecretsDir(stack = {}) {
  return path.join(stack.VIGIE_STATE_DIR || stateDir(), 'secrets', 'realms');
}

function readRealmSecret(stack, ref) {
  try {
    return fs.readFileSync(path.join(realmSecretsDir(stack), ref), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function mainFile(name) {
  return path.join(ROOT, 'dist/apps', name, 'main.js');
}

function pidFile(name, dir = stateDir()) {
  return path.join(dir, 'run', `${name}.pid`);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited process not yet reaped by its parent (a zombie) still answers signal 0.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The command line of a process (Linux /proc), or undefined when it cannot be read. */
function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** True when `pid` runs this service's built main.js (a pid file can outlive its process and the pid be reused). */
function isServiceProcess(name, pid) {
  const cmd = commandLine(pid);
  return cmd === undefined ? isAlive(pid) : cmd.includes(mainFile(name));
}

function runningPid(name, dir = stateDir()) {
  try {
    const pid = Number(fs.readFileSync(pidFile(name, dir), 'utf8'));
    return pid && isAlive(pid) && isServiceProcess(name, pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pids listening on a local TCP port (Linux: /proc/net/tcp{,6} socket inodes matched with /proc/<pid>/fd). */
function listenerPids(port) {
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, state 0A = LISTEN, inode is the 10th column.
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
    }
  }
  if (!inodes.size) return [];
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds = [];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

function servicePorts(name) {
  const s = findService(name);
  return [s.httpPort, s.healthPort].filter((p) => p !== undefined);
}

function signalProcess(pid, signal) {
  // Services are started detached (their own process group): signal the group, else the process.
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch (error) {
      if (error.code !== 'ESRCH') throw error;
    }
  }
}

async function waitGone(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  return !isAlive(pid);
}

/**
 * Stops one service and verifies it is gone: SIGTERM (or `signal`), up to `timeoutMs` for a clean
 * exit, then SIGKILL and up to `killTimeoutMs`. A process of this service still listening on its
 * ports without a pid file (e.g. left by an interrupted stop) is stopped the same way. Resolves to
 * `{ name, outcome: 'not running' | 'stopped' | 'killed', pids, ms }`; rejects when a process
 * survives SIGKILL or one of the service's ports is still held (naming the holder).
 */
async function stopService(name, { dir = stateDir(), signal = 'SIGTERM', timeoutMs = Number(process.env.VIGIE_STOP_TIMEOUT_MS || 15000), killTimeoutMs = 5000 } = {}) {
  const started = Date.now();
  const pids = new Set();
  const fromFile = runningPid(name, dir);
  if (fromFile) pids.add(fromFile);
  for (const port of servicePorts(name)) for (const pid of listenerPids(port)) if (pid !== process.pid && isServiceProcess(name, pid)) pids.add(pid);
  let outcome = pids.size ? 'stopped' : 'not running';
  for (const pid of pids) signalProcess(pid, signal);
  for (const pid of pids) {
    if (await waitGone(pid, timeoutMs)) continue;
    signalProcess(pid, 'SIGKILL');
    outcome = 'killed';
    if (!(await waitGone(pid, killTimeoutMs))) throw new Error(`${name}: pid ${pid} still alive ${killTimeoutMs} ms after SIGKILL`);
  }
  fs.rmSync(pidFile(name, dir), { force: true });
  for (const port of servicePorts(name)) {
    const holders = listenerPids(port);
    if (holders.length) {
      const who = holders.map((pid) => `pid ${pid} (${(commandLine(pid) ?? ['?']).join(' ').slice(0, 120)})`).join(', ');
      throw new Error(`${name}: port ${port} is still held by ${who} — not a process of this service, left alone`);
    }
  }
  return { name, outcome, pids: [...pids], ms: Date.now() - started };
}

/** Stops one service (see stopService); resolves true when a process was stopped, false when none ran. */
async function stop(name, options = {}) {
  return (await stopService(name, options)).outcome !== 'not running';
}

/**
 * Stops several services in order and never gives up half-way: every service is tried, failures
 * are collected. Resolves to `{ results, failures: [{ name, message }] }`.
 */
async function stopAll(names, options = {}) {
  const results = [];
  const failures = [];
  for (const name of names) {
    try {
      results.push(await stopService(name, options));
    } catch (error) {
      failures.push({ name, message: error.message });
    }
  }
  return { results, failures };
}

/**
 * The Node that runs the services: the pinned Node 22 of node_modules (the `node` devDependency)
 * when installed, so a service started by hand (`node scripts/lib/services.cjs start` from a shell
 * whose `node` is another version) runs on the same Node as under the npm scripts.
 */
function serviceNode() {
  const pinned = path.join(ROOT, 'node_modules', 'node', 'bin', 'node');
  return fs.existsSync(pinned) ? pinned : process.execPath;
}

/** Runs a one-off command of a service (`migrate`, `setup-streams`) and throws with its output on failure. */
function runCommand(name, command, { stack = loadStackEnv(), overrides = {} } = {}) {
  const env = { ...process.env, ...serviceEnv(name, stack, overrides) };
  if (command === 'setup-streams') {
    env.NATS_USER = 'setup';
    env.NATS_PASSWORD = stack.VIGIE_NATS_PASSWORD_SETUP;
  }
  const r = spawnSync(serviceNode(), ['--enable-source-maps', mainFile(name), command], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} ${command} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * JavaScript heap limit of a local service (MiB, `VIGIE_SERVICE_HEAP_MB`, default 384). In a pod,
 * Node sizes its heap from the container's memory limit; on a developer machine it would size it
 * from the whole RAM and collect lazily — an ontology writing a 100k-row import then sat at 640 MiB
 * RSS with most of it garbage. With the limit, the same import peaks at ~260 MiB.
 */
function heapMiB() {
  const v = Number(process.env.VIGIE_SERVICE_HEAP_MB ?? 384);
  if (!Number.isInteger(v) || v < 64) throw new Error(`VIGIE_SERVICE_HEAP_MB must be an integer ≥ 64 (MiB), got ${process.env.VIGIE_SERVICE_HEAP_MB}`);
  return v;
}

/** Starts a service in the background (reusing a running one), logging to .vigie/logs/<name>.log. */
function start(name, { stack = loadStackEnv(), overrides = {}, dir = stateDir() } = {}) {
  const existing = runningPid(name, dir);
  if (existing) return { pid: existing, reused: true };
  if (!fs.existsSync(mainFile(name))) throw new Error(`${mainFile(name)} is missing: build first (npx nx run-many -t build)`);
  fs.mkdirSync(path.join(dir, 'run'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const log = fs.openSync(path.join(dir, 'logs', `${name}.log`), 'a');
  const child = spawn(serviceNode(), ['--enable-source-maps', `--max-old-space-size=${heapMiB()}`, mainFile(name)], {
    env: { ...process.env, ...serviceEnv(name, stack, overrides) },
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  fs.writeFileSync(pidFile(name, dir), String(child.pid));
  return { pid: child.pid, reused: false };
}

async function waitReady(name, timeoutMs = 60000, dir = stateDir()) {
  const s = findService(name);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${s.healthPort}/health/ready`);
      if (res.ok) return;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (error) {
      last = error.message;
    }
    if (!runningPid(name, dir)) break;
    await sleep(250);
  }
  const logFile = path.join(dir, 'logs', `${name}.log`);
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '(no log)';
  throw new Error(`${name} did not become ready (${last}). Log tail:\n${tail}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { SERVICES, ROOT, serviceNode, stateDir, loadStackEnv, serviceEnv, realmSecretsDir, readRealmSecret, runCommand, start, stop, stopService, stopAll, waitReady, runningPid, listenerPids };

if (require.main === module) {
  const [command, ...names] = process.argv.slice(2);
  const targets = names.length ? names : SERVICES.map((s) => s.name);
  (async () => {
    switch (command) {
      case 'start':
        for (const n of targets) {
          const r = start(n);
          console.log(`${n}: ${r.reused ? 'already running' : 'started'} (pid ${r.pid})`);
        }
        for (const n of targets) await waitReady(n);
        console.log('all ready');
        break;
      case 'stop': {
        // Reverse start order (gateway last), every service tried whatever happened to the others.
        const { results, failures } = await stopAll([...targets].reverse());
        for (const r of results) console.log(`${r.name}: ${r.outcome}${r.pids.length ? ` (pid ${r.pids.join(', ')}, ${r.ms} ms)` : ''}`);
        for (const f of failures) console.error(`${f.name}: NOT STOPPED: ${f.message}`);
        if (failures.length) {
          console.error(`stop failed for ${failures.map((f) => f.name).join(', ')}`);
          process.exitCode = 1;
        }
        break;
      }
      case 'status':
        for (const n of targets) console.log(`${n}: ${runningPid(n) ? `running (pid ${runningPid(n)})` : 'stopped'}`);
        break;
      case 'migrate':
        for (const n of targets.filter((t) => findService(t).db)) process.stdout.write(runCommand(n, 'migrate'));
        break;
      case 'setup-streams':
        for (const n of targets.filter((t) => t !== 'gateway')) process.stdout.write(runCommand(n, 'setup-streams'));
        break;
      default:
        console.error('usage: services.cjs start|stop|status|migrate|setup-streams [service ...]');
        process.exit(64);
    }
  })().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
