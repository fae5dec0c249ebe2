import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { JSONCodec } from 'nats';
import type { GeoResponse, MetricsResponse, PathsResponse, SearchAroundResponse, SearchResponse, SubgraphResponse, TimelineResponse } from '@vigie/analytics-contracts';
import type { AuditEvent } from '@vigie/audit-contracts';
import { api, eventually, link, mark, ontologyPublisher, person, post, publishLink, publishObject, setupConnection, tokenOf } from './analytics-test.helpers';

/**
 * The access matrix through the gateway, with real tokens of the development realm: for every
 * query type, what each reader sees, counts and traverses. Objects are published on the ONTOLOGY
 * stream as the ontology service would, in tenant `alpha`, under a name suffix unique to the run.
 */
const sfx = Array.from(randomBytes(7), (b) => 'bcdfghjklmnprstvz'[b % 17]).join('') + 'o';
// A place of this run only (southern ocean), so that earlier runs' objects are out of the circle.
const KERGUELEN = { lat: -55 + (randomBytes(1)[0] % 100) / 10, lon: 60 + (randomBytes(1)[0] % 200) / 10 };

const A = person(`Rurik Tallow ${sfx}`, {
  extra: { alias: { value: `Nightjar${sfx}`, marking: mark('S', 'op-saphir') }, birthDate: '1971-02-03', location: KERGUELEN },
});
const B = person(`Olwen Brisk ${sfx}`, { extra: { birthDate: '1980-01-01' } });
const S = person(`Sable Quill ${sfx}`, { markings: mark('S', 'op-saphir'), extra: { location: { lat: KERGUELEN.lat + 0.01, lon: KERGUELEN.lon } } });
const C = person(`Cyber Wren ${sfx}`, { markings: mark('DR', 'cyber') });
const AS = link(A.id, S.id, { validFrom: '2024-02-02' });
const SB = link(S.id, B.id);
const name = new Map([A, B, S, C].map((o) => [o.id, o.title?.split(' ')[0]]));
const names = (ids: string[]) => ids.map((id) => name.get(id) ?? 'other').sort();

type Reader = { user: string; purpose?: boolean; realm?: string };
const NPU: Reader = { user: 'alpha-np' };
const DRU: Reader = { user: 'alpha-dr' };
const SU: Reader = { user: 'alpha-s' };
const SUP: Reader = { user: 'alpha-s', purpose: true };
const TSP: Reader = { user: 'alpha-ts', purpose: true };

let nc: NatsConnection;

beforeAll(async () => {
  nc = await ontologyPublisher();
  for (const o of [A, B, S, C]) await publishObject(nc, 'alpha', o);
  for (const l of [AS, SB]) await publishLink(nc, 'alpha', l);
  // Projected once the most privileged reader finds all four and the two links.
  await eventually(
    () => post<SearchResponse>('/search', { q: sfx }, TSP),
    (r) => r.status === 200 && r.body.total === 4,
  );
  await eventually(
    () => post<SubgraphResponse>('/graph/neighbourhood', { ids: [A.id], hops: 2 }, TSP),
    (r) => r.status === 200 && r.body.nodes.length === 3,
  );
});

afterAll(async () => {
  // Delete what this run published (the tenant is shared with the other suites).
  const gone = new Date().toISOString();
  for (const o of [A, B, S, C]) await publishObject(nc, 'alpha', { ...o, version: o.version + 1, deletedAt: gone });
  for (const l of [AS, SB]) await publishLink(nc, 'alpha', { ...l, version: l.version + 1, deletedAt: gone });
  await nc?.drain();
});

describe('analytics access matrix (through the gateway)', () => {
  it.each<[string, Reader, string[]]>([
    ['NP', NPU, ['Olwen', 'Rurik']],
    ['DR + cyber', DRU, ['Cyber', 'Olwen', 'Rurik']],
    ['S + op-saphir without a purpose (capped below S)', SU, ['Olwen', 'Rurik']],
    ['S + op-saphir with a purpose', SUP, ['Olwen', 'Rurik', 'Sable']],
    ['TS + every compartment with a purpose', TSP, ['Cyber', 'Olwen', 'Rurik', 'Sable']],
  ])('search: a %s reader sees, counts and facets only their objects', async (_label, reader, expected) => {
    const r = await post<SearchResponse>('/search', { q: sfx, facets: ['name'] }, reader);
    expect(r.status).toBe(200);
    expect(names(r.body.items.map((i) => i.id))).toEqual(expected);
    expect(r.body.total).toBe(expected.length);
    expect(r.body.facets.types).toEqual([{ value: 'Person', count: expected.length }]);
    expect(r.body.facets.properties['name'].map((b) => b.value.split(' ')[0]).sort()).toEqual(expected);
  });

  it('search: a property above the reader is neither matched nor highlighted', async () => {
    expect((await post<SearchResponse>('/search', { q: `Nightjar${sfx}` }, NPU)).body.total).toBe(0);
    const s = await post<SearchResponse>('/search', { q: `Nightjar${sfx}` }, SUP);
    expect(s.body.items[0].id).toBe(A.id);
    expect(s.body.items[0].highlights.map((h) => h.property)).toContain('alias');
  });

  it('neighbourhood, paths and search-around never traverse a hidden object', async () => {
    const np = await post<SubgraphResponse>('/graph/neighbourhood', { ids: [A.id], hops: 2 }, NPU);
    expect(names(np.body.nodes.map((n) => n.id))).toEqual(['Rurik']);
    expect(np.body.edges).toEqual([]);
    const ts = await post<SubgraphResponse>('/graph/neighbourhood', { ids: [A.id], hops: 2 }, TSP);
    expect(names(ts.body.nodes.map((n) => n.id))).toEqual(['Olwen', 'Rurik', 'Sable']);

    expect((await post<PathsResponse>('/graph/paths', { fromId: A.id, toId: B.id, maxHops: 3 }, NPU)).body.paths).toEqual([]);
    expect((await post<PathsResponse>('/graph/paths', { fromId: A.id, toId: B.id, maxHops: 3 }, SU)).body.paths).toEqual([]);
    const path = await post<PathsResponse>('/graph/paths', { fromId: A.id, toId: B.id, maxHops: 3 }, SUP);
    expect(path.body.paths.map((p) => p.nodeIds)).toEqual([[A.id, S.id, B.id]]);

    expect((await post<SearchAroundResponse>('/graph/search-around', { ids: [A.id, B.id] }, NPU)).body.nodes).toEqual([]);
    const around = await post<SearchAroundResponse>('/graph/search-around', { ids: [A.id, B.id] }, TSP);
    expect(around.body.nodes.map((n) => [n.id, n.seedIds.length])).toEqual([[S.id, 2]]);
  });

  it('a hidden seed is "not found", exactly like an unknown one', async () => {
    const hidden = await post<{ error: { code: string } }>('/graph/neighbourhood', { ids: [S.id] }, NPU);
    const unknown = await post<{ error: { code: string } }>('/graph/neighbourhood', { ids: [person('x').id] }, NPU);
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.error.code).toBe('ANALYTICS_OBJECT_NOT_FOUND');
    // Same code and message (each answer has its own trace id).
    expect(hidden.body.error).toEqual(unknown.body.error);
  });

  it('metrics count only visible links and nodes', async () => {
    const np = await post<MetricsResponse>('/graph/metrics', { ids: [A.id, B.id] }, NPU);
    expect(np.body.edgeCount).toBe(0);
    const ts = await post<MetricsResponse>('/graph/metrics', { ids: [A.id, B.id, S.id] }, TSP);
    expect(ts.body.edgeCount).toBe(2);
    expect(ts.body.nodes.find((n) => n.id === S.id)?.betweenness).toBe(1);
    expect((await post('/graph/metrics', { ids: [A.id, S.id] }, NPU)).status).toBe(404);
  });

  it('timeline buckets and geo clusters count only what the reader may see', async () => {
    const np = await post<TimelineResponse>('/timeline', { ids: [A.id, B.id, S.id].slice(0, 2), bucket: 'year' }, NPU);
    expect(np.body.items.map((i) => i.kind)).toEqual(['object', 'object']);
    const ts = await post<TimelineResponse>('/timeline', { ids: [A.id, B.id], bucket: 'year' }, TSP);
    expect(ts.body.total).toBe(3); // + the A–S link of 2024, visible once S is
    expect(ts.body.buckets.find((b) => b.start.startsWith('2024'))).toEqual({ start: '2024-01-01T00:00:00.000Z', objects: 0, links: 1 });

    const circle = { center: KERGUELEN, radiusMeters: 5000 };
    const gnp = await post<GeoResponse>('/geo', { circle }, NPU);
    expect(gnp.body.points.map((p) => p.id)).toEqual([A.id]);
    const gts = await post<GeoResponse>('/geo', { circle, clusterAbove: 1 }, TSP);
    expect(gts.body.clustered).toBe(true);
    expect(gts.body.clusters.reduce((a, c) => a + c.count, 0)).toBe(2);
  });

  it('refuses readers without the read role and another tenant sees nothing', async () => {
    const auditor = await post<{ error: { code: string } }>('/search', { q: sfx }, { user: 'alpha-auditor' });
    expect(auditor.status).toBe(403);
    expect(auditor.body.error.code).toBe('ANALYTICS_ROLE_MISSING');
    const bravo = await post<SearchResponse>('/search', { q: sfx }, { realm: 'bravo', user: 'bravo-ts', purpose: true });
    expect(bravo.status).toBe(200);
    expect(bravo.body.total).toBe(0);
    const none = await fetch(api('/search'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
  });

  it('audits every query with the verified actor and the stated purpose', async () => {
    const admin = await setupConnection();
    try {
      const sub = admin.subscribe('audit.v1.events.search.recorded');
      const seen: AuditEvent[] = [];
      const collecting = (async () => {
        for await (const m of sub) seen.push(JSONCodec<AuditEvent>().decode(m.data));
      })();
      await admin.flush();
      await tokenOf('alpha', 'alpha-s');
      await post('/search', { q: `audit ${sfx}` }, SUP);
      await eventually(
        async () => seen.filter((e) => e.service === 'analytics' && JSON.stringify(e.details).includes(`audit ${sfx}`)),
        (list) => list.length === 1,
        5000,
      );
      const event = seen.find((e) => e.service === 'analytics' && JSON.stringify(e.details).includes(`audit ${sfx}`)) as AuditEvent;
      expect(event).toEqual(expect.objectContaining({ tenant: 'alpha', action: 'search.query', outcome: 'success', purpose: { caseRef: 'CASE-ANALYTICS-IT', justification: 'analytics integration test' } }));
      expect(event.actor.username).toBe('alpha-s');
      sub.unsubscribe();
      await collecting;
    } finally {
      await admin.close();
    }
  });
});
