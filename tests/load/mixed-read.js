#!/usr/bin/env node
// Mixed read load through the gateway (issue 9): search, get an object, neighbourhood — on
// loopback only, bounded by a duration and a request count. Prints JSON: requests/s, latency
// p50/p95/p99/max, errors by status, per route. Not a unit test.
//
//   VIGIE_TOKEN=… node tests/load/mixed-read.js [--duration 20] [--max-requests 200000] [--concurrency 16]
//   VIGIE_TOKEN=… node tests/load/mixed-read.js --ramp [--step-seconds 5] [--p99-target 250] [--max-concurrency 256]
//
// Options: --url http://127.0.0.1:3000 (loopback only), --routes FILE (JSON list of
// { name, method, path, body?, weight }; "{id}" in a path or body is replaced by an object id),
// --ids ID,ID (object ids; found by a search / object listing otherwise), --query TEXT (search
// text, default "Benali"), --purpose JSON (x-purpose header). A route that answers 404 at warm-up
// (not deployed yet) is replaced by GET /api/v1/health, and the report says so.
'use strict';
const fs = require('node:fs');

function parseArgs(argv) {
  const o = { url: 'http://127.0.0.1:3000', duration: 20, maxRequests: 200_000, concurrency: 16, ramp: false, stepSeconds: 5, p99Target: 250, maxConcurrency: 256, routes: undefined, ids: undefined, query: 'Benali', purpose: process.env.VIGIE_PURPOSE };
  const names = { '--url': 'url', '--duration': 'duration', '--max-requests': 'maxRequests', '--concurrency': 'concurrency', '--step-seconds': 'stepSeconds', '--p99-target': 'p99Target', '--max-concurrency': 'maxConcurrency', '--routes': 'routes', '--ids': 'ids', '--query': 'query', '--purpose': 'purpose' };
  const numeric = new Set(['duration', 'maxRequests', 'concurrency', 'stepSeconds', 'p99Target', 'maxConcurrency']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--ramp') { o.ramp = true; continue; }
    if (a === '--help' || a === '-h') { process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 14).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n'); process.exit(0); }
    const key = names[a];
    if (!key) fail(`unknown option "${a}" (see --help)`);
    const value = argv[++i];
    if (value === undefined) fail(`${a} needs a value`);
    if (numeric.has(key)) {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) fail(`${a} must be a positive number, got "${value}"`);
      o[key] = n;
    } else o[key] = value;
  }
  const host = new URL(o.url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) fail(`--url must be on loopback (127.0.0.1, localhost, ::1), got ${host}`);
  return o;
}

function fail(message) {
  process.stderr.write(`mixed-read: ${message}\n`);
  process.exit(2);
}

const DEFAULT_ROUTES = (query) => [
  { name: 'search', method: 'POST', path: '/api/v1/search', body: { q: query, limit: 20 }, weight: 4 },
  { name: 'get', method: 'GET', path: '/api/v1/objects/{id}', weight: 3 },
  { name: 'neighbourhood', method: 'POST', path: '/api/v1/graph/neighbourhood', body: { ids: ['{id}'], hops: 1, limit: 200 }, weight: 3 },
];
const HEALTH = { name: 'health', method: 'GET', path: '/api/v1/health', weight: 1 };

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 100) / 100;
}

function stats(samples, seconds) {
  const lat = samples.map((s) => s.ms).sort((a, b) => a - b);
  const errors = {};
  for (const s of samples) if (s.status >= 400 || s.status === 0) errors[s.status || 'network'] = (errors[s.status || 'network'] || 0) + 1;
  return {
    requests: samples.length,
    rps: Math.round((samples.length / seconds) * 10) / 10,
    latencyMs: { p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99), max: lat.length ? Math.round(lat[lat.length - 1] * 100) / 100 : null, mean: lat.length ? Math.round((lat.reduce((a, b) => a + b, 0) / lat.length) * 100) / 100 : null },
    errors: { count: Object.values(errors).reduce((a, b) => a + b, 0), byStatus: errors },
  };
}

class Load {
  constructor(options) {
    this.o = options;
    this.headers = { accept: 'application/json' };
    if (process.env.VIGIE_TOKEN) this.headers.authorization = `Bearer ${process.env.VIGIE_TOKEN}`;
    if (options.purpose) this.headers['x-purpose'] = options.purpose;
    this.ids = options.ids ? options.ids.split(',').filter(Boolean) : [];
    this.notes = [];
  }

  fill(value) {
    const id = this.ids.length ? this.ids[Math.floor(Math.random() * this.ids.length)] : 'none';
    return JSON.parse(JSON.stringify(value).split('{id}').join(id));
  }

  async call(route) {
    const started = process.hrtime.bigint();
    let status = 0;
    try {
      const body = route.body === undefined ? undefined : JSON.stringify(this.fill(route.body));
      const res = await fetch(this.o.url + this.fill(route.path), {
        method: route.method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = 0;
    }
    return { route: route.name, status, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  /** Finds object ids (from a search, else the object listing) and replaces routes that are not there (404) by the health route. */
  async warmUp(routes) {
    if (!process.env.VIGIE_TOKEN) this.notes.push('VIGIE_TOKEN is not set: every route but health will answer 401');
    if (this.ids.length === 0) {
      for (const probe of [
        { method: 'POST', path: '/api/v1/search', body: { q: this.o.query, limit: 50 } },
        { method: 'GET', path: '/api/v1/objects?limit=50' },
      ]) {
        try {
          const res = await fetch(this.o.url + probe.path, { method: probe.method, headers: { ...this.headers, 'content-type': 'application/json' }, body: probe.body ? JSON.stringify(probe.body) : undefined });
          if (!res.ok) continue;
          const json = await res.json();
          const items = json.items ?? json.objects ?? [];
          this.ids = items.map((i) => i.id ?? i.objectId).filter((id) => typeof id === 'string');
          if (this.ids.length) break;
        } catch {
          // try the next probe
        }
      }
      if (this.ids.length === 0) this.notes.push('no object ids found (empty tenant or no token): routes with {id} will answer 4xx');
    }
    const out = [];
    for (const route of routes) {
      const sample = await this.call(route);
      if (sample.status === 404 && !route.path.includes('{id}')) {
        this.notes.push(`${route.method} ${route.path} answered 404 (not deployed): replaced by GET /api/v1/health`);
        out.push({ ...HEALTH, name: `${route.name}→health`, weight: route.weight });
      } else out.push(route);
    }
    return out;
  }

  /** Closed loop: `concurrency` workers, each sending the next request when its answer arrives. */
  async run(routes, concurrency, seconds, maxRequests) {
    const total = routes.reduce((a, r) => a + (r.weight ?? 1), 0);
    const pick = () => {
      let x = Math.random() * total;
      for (const r of routes) if ((x -= r.weight ?? 1) < 0) return r;
      return routes[routes.length - 1];
    };
    const samples = [];
    const deadline = Date.now() + seconds * 1000;
    let sent = 0;
    const started = Date.now();
    const worker = async () => {
      while (Date.now() < deadline && sent < maxRequests) {
        sent++;
        samples.push(await this.call(pick()));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (Date.now() - started) / 1000;
    const perRoute = {};
    for (const r of routes) perRoute[r.name] = stats(samples.filter((s) => s.route === r.name), elapsed);
    return { concurrency, seconds: Math.round(elapsed * 10) / 10, ...stats(samples, elapsed), perRoute };
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const load = new Load(o);
  let routes = o.routes ? JSON.parse(fs.readFileSync(o.routes, 'utf8')) : DEFAULT_ROUTES(o.query);
  if (!Array.isArray(routes) || routes.length === 0 || routes.some((r) => !r.name || !r.method || !r.path)) fail('--routes must be a JSON list of { name, method, path, body?, weight }');
  try {
    const res = await fetch(`${o.url}/api/v1/health`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
  } catch (error) {
    fail(`the gateway does not answer at ${o.url} (${error.message}): start it with npm run up`);
  }
  routes = await load.warmUp(routes);
  const base = { tool: 'tests/load/mixed-read.js', url: o.url, routes: routes.map((r) => `${r.name} ${r.method} ${r.path} ×${r.weight ?? 1}`), ids: load.ids.length, notes: load.notes };
  if (!o.ramp) {
    const result = await load.run(routes, o.concurrency, o.duration, o.maxRequests);
    process.stdout.write(`${JSON.stringify({ mode: 'fixed', ...base, ...result }, null, 2)}\n`);
    return;
  }
  // Ramp: double the concurrency each step until p99 crosses the target (or limits are hit).
  const steps = [];
  let budget = o.maxRequests;
  let crossed = null;
  for (let c = 1; c <= o.maxConcurrency && budget > 0; c *= 2) {
    const step = await load.run(routes, c, o.stepSeconds, budget);
    budget -= step.requests;
    steps.push({ concurrency: c, rps: step.rps, p50: step.latencyMs.p50, p95: step.latencyMs.p95, p99: step.latencyMs.p99, errors: step.errors.count });
    if (step.latencyMs.p99 !== null && step.latencyMs.p99 > o.p99Target) {
      crossed = step;
      break;
    }
  }
  const under = steps.filter((s) => s.p99 !== null && s.p99 <= o.p99Target);
  const best = under.reduce((a, s) => (a && a.rps >= s.rps ? a : s), null);
  process.stdout.write(
    `${JSON.stringify(
      {
        mode: 'ramp',
        ...base,
        p99TargetMs: o.p99Target,
        steps,
        maxThroughputUnderTarget: best ? { rps: best.rps, concurrency: best.concurrency, p99: best.p99 } : null,
        crossedAt: crossed ? { rps: crossed.rps, concurrency: crossed.concurrency, p99: crossed.latencyMs.p99 } : null,
        verdict: crossed ? `p99 crosses ${o.p99Target} ms between ${best ? best.rps : 0} and ${crossed.rps} req/s` : `p99 stayed under ${o.p99Target} ms up to ${steps.length ? steps[steps.length - 1].rps : 0} req/s (limits reached)`,
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`mixed-read: ${error.stack ?? error}\n`);
  process.exit(1);
});
