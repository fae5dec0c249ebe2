import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { OntologyDocument, ontologyDocumentSchema } from '@vigie/ontology-contracts';
import { compileMapping } from '@vigie/ingestion-parsers';
import { gatewayUrl, launcher } from '@vigie/shared-testing';
import { FuzzSummary } from './fuzz-summary.util';
import { knownDefect } from './known-defects.util';

/**
 * Generated bad HTTP input against the gateway's public endpoints (the running platform: npm
 * test / npm run up): hostile headers (64 KB authorization, garbage bearer tokens and
 * traceparent, bad purpose headers), bad ids in paths, bad JSON, bodies of the wrong shape,
 * oversized bodies, search syntax. Invariants: never a 5xx, an answer within REQUEST_BUDGET_MS,
 * and every error body names the problem (`error.code` and `error.message`). Only requests that
 * cannot change anything are sent (bad ids, invalid bodies, a caller without the role to write).
 */

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261128);
const RUNS = Number(process.env['FUZZ_HTTP_RUNS'] ?? 60);
const REQUEST_BUDGET_MS = 10_000;
const summary = new FuzzSummary('gateway');
const ROOT = join(__dirname, '../..');
const ontology: OntologyDocument = ontologyDocumentSchema.parse(JSON.parse(readFileSync(join(ROOT, 'libs/ontology/domain/src/lib/default-ontology/default-ontology.json'), 'utf8')));
const REAL_MAPPINGS = ['call-records.mapping.yaml', 'company-registry.mapping.yaml'].map((f) => readFileSync(join(ROOT, 'tests/fixtures/mappings', f), 'utf8'));


async function token(username: string): Promise<string> {
  const stack = launcher.loadStackEnv();
  const password = readFileSync(join(stack['VIGIE_STATE_DIR'] ?? launcher.stateDir(), 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();
  const res = await fetch(`${stack['KEYCLOAK_URL']}/realms/alpha/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username, password }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token) throw new Error(`login ${username}@alpha failed: HTTP ${res.status} ${body.error ?? ''}`);
  return body.access_token;
}

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

interface Answer {
  status: number;
  text: string;
}

async function send(req: Sent): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(gatewayUrl(req.path), { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(REQUEST_BUDGET_MS) });
  const text = await res.text();
  const ms = Date.now() - started;
  if (ms > REQUEST_BUDGET_MS) throw new Error(`${req.method} ${req.path.slice(0, 120)} took ${ms} ms`);
  return { status: res.status, text };
}

/** The invariant; returns normally when it holds, throws naming the request otherwise. */
function check(req: Sent, answer: Answer, target: string, allow?: (a: Answer) => string | undefined): void {
  const known = allow?.(answer);
  if (known) {
    summary.add(`known:${known}`);
    return;
  }
  summary.add(target);
  const what = `${req.method} ${req.path.slice(0, 160)} → ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status === 503 || answer.status === 504) {
    // A service briefly down (other suites restart services while this one runs) is not a reaction
    // to bad input: counted and reported, provided the body still names the problem.
    if (!namesProblem(answer.text)) throw new Error(`unavailable without a named error: ${what}`);
    summary.add('dependency-unavailable');
    return;
  }
  if (answer.status >= 500) throw new Error(`5xx: ${what}`);
  if (answer.status >= 400 && !namesProblem(answer.text)) throw new Error(`error body does not name the problem (JSON error.code + error.message): ${what}`);
}

function namesProblem(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === 'string' && body.error.code !== '' && typeof body.error.message === 'string' && body.error.message.trim().length >= 5;
  } catch {
    return false;
  }
}

function settings(runs = RUNS): fc.Parameters<unknown> {
  return { numRuns: runs, seed: SEED, endOnFailure: true };
}

// Ids: garbage of every kind, percent-encoded into the path.
const badId = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom('..', '../..', '%00', '0', '-1', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff', 'null', 'undefined', '__proto__', 'constructor', "' OR 1=1 --", '$where', '{"$gt":""}', 'x'.repeat(5_000)),
  fc.uuid(),
);
const encodedId = badId.map((id) => encodeURIComponent(id) || '%20');

const badJsonText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"a":', '[1,2', '{"q": "x",}', "{'q': 'x'}", 'NaN', '{"q": 1e999999}', '\u0000', '{"__proto__": {"admin": true}}', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, '"\\ud800"'),
);
const hostileHeaders = fc.record(
  {
    authorization: fc.oneof(
      fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', `Bearer ${'a'.repeat(65_536)}`, `Bearer ${'a'.repeat(8_000)}.${'b'.repeat(8_000)}.c`),
      fc.string({ maxLength: 300 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`),
    ),
    traceparent: fc.oneof(fc.constantFrom('00-00000000000000000000000000000000-0000000000000000-00', 'ff-zz', '00-'.repeat(200), 'x'.repeat(2_000)), fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
    'x-purpose': fc.oneof(fc.constantFrom('{', '{"caseRef":1}', '[]', 'x'.repeat(20_000)), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null')),
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=', 'application/x-www-form-urlencoded', '*/*'),
  },
  { requiredKeys: [] },
);

describe('fuzzing the gateway over HTTP', () => {
  let analyst: string;
  let ingest: string;
  let routes: { method: string; path: string }[] = [];

  beforeAll(async () => {
    // The platform may still be settling (a service restarting): wait up to a minute for health.
    let health: Response | undefined;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && !(health && health.status < 500); ) {
      health = await fetch(gatewayUrl('/api/v1/health'), { signal: AbortSignal.timeout(5_000) }).catch((error: Error) => {
        throw new Error(`the gateway is not reachable at ${gatewayUrl()} (${error.message}): run npm run up, or npm test`);
      });
      if (health.status >= 500) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(health?.status).toBeLessThan(500);
    [analyst, ingest] = await Promise.all([token('alpha-np'), token('alpha-ingest')]);
    const doc = (await (await fetch(gatewayUrl('/api/docs/openapi.json'))).json()) as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })));
  }, 120_000);

  afterAll(() => {
    const report = summary.report();
    expect(report.total).toBeGreaterThan(0);
  });

  it('the OpenAPI document lists the routes fuzzed here', () => {
    const paths = new Set(routes.map((r) => r.path));
    for (const p of ['/api/v1/search', '/api/v1/objects/{id}', '/api/v1/graph/neighbourhood', '/api/v1/ingest/mappings/validate']) expect(paths).toContain(p);
  });

  it('hostile headers on every route: 4xx naming the problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), hostileHeaders, encodedId, async (pick, headers, id) => {
        const route = routes[pick % routes.length];
        const req: Sent = { method: route.method, path: route.path.replace(/\{[^}]+\}/g, id), headers, body: ['GET', 'HEAD', 'DELETE'].includes(route.method) ? undefined : '{}' };
        check(req, await send(req), 'hostile-headers');
      }),
      settings(RUNS * 2),
    );
  });

  it('bad ids in paths (authenticated, read routes and refused writes): 400/403/404 naming the problem', async () => {
    const idRoutes = routes.filter((r) => /\{[^}]+\}/.test(r.path) && !r.path.endsWith('/events'));
    expect(idRoutes.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.nat(), encodedId, async (pick, id) => {
        const route = idRoutes[pick % idRoutes.length];
        // Writes go out with an invalid body, so none can succeed whatever the id.
        const req: Sent = { method: route.method, path: route.path.replace(/\{[^}]+\}/g, id), headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '[]' };
        if (route.method === 'DELETE') req.path += '?expectedVersion=-1';
        check(req, await send(req), 'bad-ids');
      }),
      settings(RUNS * 2),
    );
  });

  it('bad JSON bodies and bodies of the wrong shape on every POST/PUT/PATCH route', async () => {
    const writeRoutes = routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.oneof(badJsonText, fc.constantFrom('[]', '1', '"text"', 'null', 'true', '[{}]')), encodedId, async (pick, body, id) => {
        const route = writeRoutes[pick % writeRoutes.length];
        const req: Sent = { method: route.method, path: route.path.replace(/\{[^}]+\}/g, id), headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body };
        check(req, await send(req), 'bad-json');
      }),
      settings(RUNS * 2),
    );
  });

  it('oversized bodies: 413 naming the limit', async () => {
    const big = Buffer.from(JSON.stringify({ q: 'x'.repeat(3 * 1024 * 1024) }));
    for (const path of ['/api/v1/search', '/api/v1/graph/neighbourhood', '/api/v1/objects', '/api/v1/ingest/mappings/validate', '/api/v1/timeline']) {
      const req: Sent = { method: 'POST', path, headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: big };
      const answer = await send(req);
      check(req, answer, 'oversized');
      expect(answer.status).toBe(413);
    }
  });

  it('analytics queries with generated bodies and search syntax: 200 or a 4xx naming the field', async () => {
    const searchBody = fc.record(
      {
        q: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('"unbalanced', 'a AND OR', '*', '~', 'Benali~2', 'name:(x', '\\', '%', '_', "'; DROP TABLE x; --", 'é'.repeat(600)), fc.jsonValue({ maxDepth: 1 })),
        fuzzy: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
        types: fc.oneof(fc.array(fc.constantFrom('Person', 'Phone', 'Nope', ''), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        limit: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.double(), fc.string({ maxLength: 3 })),
        cursor: fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 40 })),
        filters: fc.array(fc.record({ property: fc.constantFrom('fullName', 'x', ''), op: fc.constantFrom('eq', 'prefix', 'gt', 'in', 'exists', 'regex'), value: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    const graphBody = fc.record(
      { ids: fc.oneof(fc.array(badId, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })), hops: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.string({ maxLength: 2 })), limit: fc.integer({ min: -1, max: 100_000 }), fromId: badId, toId: badId },
      { requiredKeys: [] },
    );
    const query = fc.oneof(
      searchBody.map((b) => ({ path: '/api/v1/search', body: b as unknown })),
      graphBody.map((b) => ({ path: fc.sample(fc.constantFrom('/api/v1/graph/neighbourhood', '/api/v1/graph/paths', '/api/v1/graph/search-around', '/api/v1/graph/metrics'), { seed: JSON.stringify(b).length, numRuns: 1 })[0], body: b as unknown })),
      fc.jsonValue({ maxDepth: 3 }).map((b) => ({ path: fc.sample(fc.constantFrom('/api/v1/timeline', '/api/v1/geo', '/api/v1/search'), { seed: JSON.stringify(b)?.length ?? 0, numRuns: 1 })[0], body: b as unknown })),
    );
    await fc.assert(
      fc.asyncProperty(query, fc.option(fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v) ?? 'null'), { nil: undefined }), async (q, purpose) => {
        const headers: Record<string, string> = { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' };
        if (purpose !== undefined) headers['x-purpose'] = purpose;
        const req: Sent = { method: 'POST', path: q.path, headers, body: JSON.stringify(q.body) ?? 'null' };
        check(req, await send(req), 'analytics-bodies');
      }),
      settings(RUNS * 3),
    );
  });

  it('mapping validation with generated and damaged mappings: 200 with errors, or a 4xx naming the problem', async () => {
    const damagedMapping = fc.tuple(fc.constantFrom(...REAL_MAPPINGS), fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '*', '&', ':', '\n', '- ', '{', '"', '*y', 'é')), { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
      let s = text;
      for (const [at, token] of edits) {
        const i = at % (s.length + 1);
        s = token === '' ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + token + s.slice(i);
      }
      return s;
    });
    const mapping = fc.oneof(damagedMapping, fc.string({ maxLength: 200 }), fc.constantFrom('*y', 'a: &x 1\nb: *y', `${'['.repeat(2_000)}`));
    await fc.assert(
      fc.asyncProperty(mapping, fc.option(fc.array(fc.string({ maxLength: 12 }), { maxLength: 5 }), { nil: undefined }), async (text, columns) => {
        const req: Sent = { method: 'POST', path: '/api/v1/ingest/mappings/validate', headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' }, body: JSON.stringify({ mapping: text, ...(columns ? { columns } : {}) }) };
        const answer = await send(req);
        // A 500 here is the known compiler defect when the compiler throws it on the same text.
        check(req, answer, 'mapping-validate', (a) => {
          if (a.status !== 500) return undefined;
          try {
            compileMapping(text, ontology);
          } catch (error) {
            return knownDefect(error);
          }
          return undefined;
        });
      }),
      settings(RUNS),
    );
  });

  it('headers over Node\'s limit (a 64 KB authorization header) answer 431 with the gateway\'s JSON error naming the limit', async () => {
    const answer = await send({ method: 'GET', path: '/api/v1/auth/me', headers: { authorization: `Bearer ${'a'.repeat(65_536)}` } });
    expect(answer.status).toBe(431);
    expect(namesProblem(answer.text)).toBe(true);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'REQUEST_HEADERS_TOO_LARGE' } });
  });
});
