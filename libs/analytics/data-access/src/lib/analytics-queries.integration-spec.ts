import type { OntologyDocument } from '@vigie/ontology-contracts';
import { neighbourhoodRequestSchema, searchRequestSchema, SearchRequestInput, SearchResponse, SubgraphResponse } from '@vigie/analytics-contracts';
import { AnalyticsDb } from './db/analytics-db';
import { GraphQueryService } from './query/graph-query.service';
import { GraphRepository } from './query/graph.repository';
import { SearchRepository } from './query/search.repository';
import { TimelineGeoRepository } from './query/timeline-geo.repository';
import { Viewer } from './query/visibility';
import { linkView, mark, objectView } from '../test/fixtures';
import { dropTenant, freshTenant, project, testDb } from '../test/test-db';

/**
 * Search quality, graph correctness on a hand-checked graph and the access matrix of every
 * query type, against the real PostgreSQL of the local stack (projection tables of the
 * `analytics` schema, one fresh tenant per suite).
 */
const ontology = {
  version: 1,
  objectTypes: [
    { name: 'Person', titleProperty: 'name', timeProperty: 'birthDate', geoProperty: 'location', resolution: { profile: 'person', nameProperties: ['name', 'alias'] } },
    { name: 'Document', titleProperty: 'title', timeProperty: 'date' },
  ],
  linkTypes: [],
} as unknown as OntologyDocument;

let db: AnalyticsDb;
let search: SearchRepository;
let graph: GraphQueryService;
let tg: TimelineGeoRepository;
const tenant = freshTenant('q');
const otherTenant = freshTenant('other');

const viewer = (clearance: Viewer['clearance'], ...compartments: string[]): Viewer => ({ tenant, clearance, compartments });
const NPV = viewer('NP');
const DRV = viewer('DR');
const SV = viewer('S');
const SAPHIR = viewer('NP', 'op-saphir');

const people = {
  dupont: objectView({
    type: 'Person',
    title: 'Jean-Pierre Dupont',
    properties: {
      name: 'Jean-Pierre Dupont',
      nationality: 'FR',
      birthDate: '1970-03-04',
      location: { lat: 48.8566, lon: 2.3522 },
      alias: { value: 'Le Renard', marking: mark('S') },
    },
  }),
  lefevre: objectView({
    type: 'Person',
    title: 'Hélène Lefèvre',
    properties: { name: 'Hélène Lefèvre', nationality: 'FR', location: { lat: 45.764, lon: 4.8357 }, birthDate: { value: '1985-05-05', marking: mark('S') } },
  }),
  ivanov: objectView({ type: 'Person', title: 'Сергей Иванов', properties: { name: 'Сергей Иванов', nationality: 'RU' } }),
  petrov: objectView({ type: 'Person', title: 'Dmitri Petrov', properties: { name: 'Dmitri Petrov', nationality: 'RU' } }),
  ali: objectView({ type: 'Person', title: 'محمد علي', properties: { name: 'محمد علي' } }),
  secret: objectView({
    type: 'Person',
    title: 'Marc Secretan',
    markings: mark('S'),
    properties: { name: 'Marc Secretan', nationality: 'FR', birthDate: '1975-01-01', location: { lat: 48.86, lon: 2.34 } },
  }),
  saphir: objectView({ type: 'Person', title: 'Paul Saphir', markings: mark('NP', 'op-saphir'), properties: { name: 'Paul Saphir' } }),
  hiddenTitle: objectView({ type: 'Person', title: 'Claire Cachée', properties: { name: { value: 'Claire Cachée', marking: mark('DR') }, nationality: 'BE' } }),
  gone: objectView({ type: 'Person', title: 'Jean Dupont', properties: { name: 'Jean Dupont' }, deleted: true }),
};
const docs = {
  marseille: objectView({
    type: 'Document',
    title: 'Rapport Marseille',
    properties: { title: 'Rapport Marseille', body: 'Les transferts bancaires suspects vers Marseille ont été signalés au parquet.', date: '2025-06-01' },
  }),
  harbour: objectView({
    type: 'Document',
    title: 'Harbour report',
    properties: { title: 'Harbour report', body: 'Shipments were seized at the harbour of Le Havre.', date: '2025-07-15' },
  }),
};

// The hand-checked graph (see graph-algorithms.spec.ts): 5-cycle A-B-C-D-E, D–F bridge, triangle F-G-H.
// Hidden from an NP reader: X (S) with A–X–G, the link D–G (S); never traversed: Z (deleted), the link E–H (deleted).
const n = Object.fromEntries(
  ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'X', 'Z'].map((k) => [
    k,
    objectView({
      type: k === 'E' ? 'Organization' : 'Person',
      title: `Node ${k}`,
      properties: { name: `Node ${k}` },
      markings: k === 'X' ? mark('S') : undefined,
      deleted: k === 'Z',
    }),
  ]),
);
const L = (a: string, b: string, extra: Partial<Parameters<typeof linkView>[0]> = {}) => linkView({ type: 'knows', fromId: n[a].id, toId: n[b].id, ...extra });
const links = {
  AB: L('A', 'B', { validFrom: '2020-01-01', validTo: '2020-12-31' }),
  BC: L('B', 'C'),
  CD: L('C', 'D'),
  AE: L('A', 'E'),
  ED: L('E', 'D'),
  DF: L('D', 'F', { type: 'calls', directed: true, validFrom: '2025-03-01' }),
  FG: L('F', 'G'),
  GH: L('G', 'H'),
  HF: L('H', 'F'),
  AX: L('A', 'X'),
  XG: L('X', 'G'),
  DG: L('D', 'G', { markings: mark('S') }),
  AZ: L('A', 'Z'),
  EH: L('E', 'H', { deleted: true }),
};
const idName = new Map(Object.entries(n).map(([k, v]) => [v.id, k]));
const names = (ids: string[]) => ids.map((id) => idName.get(id) ?? id);

beforeAll(async () => {
  db = testDb();
  search = new SearchRepository(db);
  graph = new GraphQueryService(new GraphRepository(db));
  tg = new TimelineGeoRepository(db);
  await project(db, tenant, [...Object.values(people), ...Object.values(docs), ...Object.values(n)], Object.values(links), ontology);
  await project(db, otherTenant, [objectView({ type: 'Person', title: 'Jean-Pierre Dupont', properties: { name: 'Jean-Pierre Dupont', nationality: 'FR' } })]);
});

afterAll(async () => {
  await dropTenant(db, tenant);
  await dropTenant(db, otherTenant);
  await db.close();
});

const run = (v: Viewer, input: SearchRequestInput): Promise<SearchResponse> => search.search(v, searchRequestSchema.parse(input));
const ids = (r: SearchResponse) => r.items.map((i) => i.id);

describe('search quality', () => {
  it.each([
    ['a typo', 'Jean Dupnot', people.dupont.id],
    ['accents and case left out', 'HELENE lefevre', people.lefevre.id],
    ['another token order', 'Dupont Jean-Pierre', people.dupont.id],
    ['a Latin query for a Cyrillic name', 'Sergei Ivanov', people.ivanov.id],
    ['a Cyrillic query for a Latin name', 'Дмитрий Петров', people.petrov.id],
    ['a Latin query for an Arabic name', 'Mohamed Ali', people.ali.id],
    ['an Arabic query for an Arabic name with other vowels', 'محمد', people.ali.id],
    ['French stemming', 'transfert bancaire', docs.marseille.id],
    ['English stemming', 'shipment seized', docs.harbour.id],
  ])('finds with %s (%s) as the first hit', async (_case, q, expected) => {
    const r = await run(NPV, { q });
    expect(ids(r)[0]).toBe(expected);
  });

  it('ranks the exact name above fuzzy neighbours and highlights the matching words', async () => {
    const r = await run(NPV, { q: 'Jean-Pierre Dupont' });
    expect(r.items[0].id).toBe(people.dupont.id);
    expect(r.items[0].title).toBe('Jean-Pierre Dupont');
    expect(r.items[0].highlights).toContainEqual({ property: 'name', fragment: '<mark>Jean</mark>-<mark>Pierre</mark> <mark>Dupont</mark>' });
    expect(r.items[0].time).toBe('1970-03-04T00:00:00.000Z');
    expect(r.items[0].geo).toEqual({ lat: 48.8566, lon: 2.3522 });
    expect(ids(r)).not.toContain(people.gone.id); // deleted
  });

  it('filters by type, property, date range and geographic box', async () => {
    expect(new Set(ids(await run(NPV, { types: ['Document'] })))).toEqual(new Set([docs.marseille.id, docs.harbour.id]));
    expect(new Set(ids(await run(NPV, { filters: [{ property: 'nationality', op: 'eq', value: 'fr' }] })))).toEqual(new Set([people.dupont.id, people.lefevre.id]));
    expect(ids(await run(NPV, { dateRange: { from: '2025-07-01', to: '2025-12-31' } }))).toEqual([docs.harbour.id]);
    expect(ids(await run(NPV, { geoBox: { minLat: 48, maxLat: 49.5, minLon: 1.5, maxLon: 3 } }))).toEqual([people.dupont.id]);
    expect(ids(await run(NPV, { q: 'rapport', types: ['Person'] }))).toEqual([]);
  });

  it('counts facets per type and per chosen property', async () => {
    const r = await run(NPV, { facets: ['nationality'] });
    expect(r.facets.types).toEqual([
      { value: 'Person', count: 13 },
      { value: 'Document', count: 2 },
      { value: 'Organization', count: 1 },
    ]);
    expect(r.facets.properties['nationality']).toEqual([
      { value: 'FR', count: 2 },
      { value: 'RU', count: 2 },
      { value: 'BE', count: 1 },
    ]);
    expect(r.total).toBe(16);
  });

  it('pages with a stable cursor through every hit exactly once, and refuses a cursor of another query', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let total = 0;
    do {
      const r = await run(NPV, { q: 'node', limit: 3, cursor });
      total = r.total;
      seen.push(...ids(r));
      cursor = r.nextCursor ?? undefined;
    } while (cursor);
    expect(total).toBe(8); // A..H (X hidden, Z deleted)
    expect(new Set(seen).size).toBe(8);
    expect(seen.length).toBe(8);
    const first = await run(NPV, { q: 'node', limit: 3 });
    await expect(run(NPV, { q: 'other', limit: 3, cursor: first.nextCursor as string })).rejects.toThrow(/another query/);
    await expect(run(NPV, { q: 'node', cursor: 'garbage' })).rejects.toThrow(/cursor/);
  });
});

describe('access matrix: search', () => {
  it('never matches, highlights, filters or facets a property marked above the reader', async () => {
    expect((await run(NPV, { q: 'Renard' })).total).toBe(0);
    const s = await run(SV, { q: 'Renard' });
    expect(ids(s)).toEqual([people.dupont.id]);
    expect(s.items[0].highlights).toContainEqual({ property: 'alias', fragment: 'Le <mark>Renard</mark>' });
    // The NP reader finds Dupont by name, but never sees the alias highlighted.
    const np = await run(NPV, { q: 'Dupont Renard' });
    expect(np.items.flatMap((i) => i.highlights.map((h) => h.property))).not.toContain('alias');
    expect((await run(NPV, { filters: [{ property: 'alias', op: 'exists', value: true }] })).total).toBe(0);
    expect((await run(SV, { filters: [{ property: 'alias', op: 'exists', value: true }] })).total).toBe(1);
    expect((await run(NPV, { facets: ['alias'] })).facets.properties['alias']).toEqual([]);
    expect((await run(SV, { facets: ['alias'] })).facets.properties['alias']).toEqual([{ value: 'Le Renard', count: 1 }]);
  });

  it('hides objects above the clearance or outside the compartments, in hits, totals and facets', async () => {
    expect(ids(await run(NPV, { q: 'Marc Secretan' }))).not.toContain(people.secret.id);
    expect(ids(await run(SV, { q: 'Marc Secretan' }))[0]).toBe(people.secret.id);
    expect(ids(await run(NPV, { q: 'Paul Saphir' }))).not.toContain(people.saphir.id);
    expect(ids(await run(SV, { q: 'Paul Saphir' }))).not.toContain(people.saphir.id);
    expect(ids(await run(SAPHIR, { q: 'Paul Saphir' }))[0]).toBe(people.saphir.id);
    const np = await run(NPV, { facets: ['nationality'] });
    const s = await run(SV, { facets: ['nationality'] });
    expect(s.total - np.total).toBe(2); // the S person and X
    expect(s.facets.properties['nationality'].find((b) => b.value === 'FR')?.count).toBe(3);
    // Another tenant's identical name is never found.
    expect((await run(NPV, { q: 'Jean-Pierre Dupont' })).items.filter((i) => i.title === 'Jean-Pierre Dupont')).toHaveLength(1);
  });

  it('shows an object whose title property is hidden without its title, and never matches the hidden title', async () => {
    expect((await run(NPV, { q: 'Claire Cachée' })).items.map((i) => i.id)).not.toContain(people.hiddenTitle.id);
    const np = await run(NPV, { filters: [{ property: 'nationality', op: 'eq', value: 'BE' }] });
    expect(np.items).toEqual([expect.objectContaining({ id: people.hiddenTitle.id, title: null })]);
    const dr = await run(DRV, { q: 'Claire Cachée' });
    expect(dr.items[0]).toEqual(expect.objectContaining({ id: people.hiddenTitle.id, title: 'Claire Cachée' }));
  });
});

describe('graph correctness and access matrix', () => {
  it('expands neighbourhoods hop by hop without reaching hidden or deleted objects', async () => {
    const one = await graph.neighbourhood(NPV, { ids: [n.A.id], hops: 1, limit: 500 });
    expect(names(one.nodes.map((x) => x.id)).sort()).toEqual(['A', 'B', 'E']);
    expect(one.edges).toHaveLength(2);
    const three = await graph.neighbourhood(NPV, { ids: [n.A.id], hops: 3, limit: 500 });
    expect(names(three.nodes.map((x) => x.id)).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(three.nodes.find((x) => x.id === n.F.id)?.depth).toBe(3);
    const s = await graph.neighbourhood(SV, { ids: [n.A.id], hops: 2, limit: 500 });
    expect(names(s.nodes.map((x) => x.id)).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'G', 'X']);
    // X is never a neighbour of G for NP; D–G (S link) is not walked.
    const g = await graph.neighbourhood(NPV, { ids: [n.G.id], hops: 1, limit: 500 });
    expect(names(g.nodes.map((x) => x.id)).sort()).toEqual(['F', 'G', 'H']);
    // Seeds the reader cannot see are "not found", like unknown ones.
    await expect(graph.neighbourhood(NPV, { ids: [n.X.id], hops: 1, limit: 10 })).rejects.toThrow(/not found/);
    await expect(graph.neighbourhood(NPV, { ids: [n.Z.id], hops: 1, limit: 10 })).rejects.toThrow(/not found/);
  });

  it('answers ≤ 2 hops in one statement exactly as the hop-by-hop expansion (limits, cuts, filters, markings)', async () => {
    const sorted = (r: SubgraphResponse) => ({ ...r, edges: [...r.edges].sort((a, b) => a.id.localeCompare(b.id)) });
    let compared = 0;
    for (const viewer of [NPV, SV]) {
      for (const ids of [[n.A.id], [n.A.id, n.D.id]]) {
        for (const hops of [1, 2]) {
          for (const limit of [2, 4, 6, 500]) {
            for (const filters of [{}, { objectTypes: ['Person'] }, { window: { from: '2021-01-01' } }]) {
              const req = neighbourhoodRequestSchema.parse({ ids, hops, limit, ...filters });
              expect(sorted(await graph.neighbourhood(viewer, req))).toEqual(sorted(await graph.neighbourhoodHopByHop(viewer, req)));
              compared += 1;
            }
          }
        }
      }
    }
    expect(compared).toBe(2 * 2 * 2 * 4 * 3);
    // Metrics close the last hop the same way.
    const req = neighbourhoodRequestSchema.parse({ ids: [n.A.id], hops: 2, limit: 500 });
    expect(sorted(await graph.neighbourhood(SV, req, true))).toEqual(sorted(await graph.neighbourhoodHopByHop(SV, req, true)));
  }, 30_000);

  it('applies link-type, object-type, time-window filters and reports what the size limit cut', async () => {
    const knows = await graph.neighbourhood(NPV, { ids: [n.A.id], hops: 3, linkTypes: ['knows'], limit: 500 });
    expect(names(knows.nodes.map((x) => x.id))).not.toContain('F');
    const persons = await graph.neighbourhood(NPV, { ids: [n.A.id], hops: 3, objectTypes: ['Person'], limit: 500 });
    expect(names(persons.nodes.map((x) => x.id)).sort()).toEqual(['A', 'B', 'C', 'D']); // F would be a 4th hop without the Organization E
    const later = await graph.neighbourhood(NPV, { ids: [n.A.id], hops: 1, window: { from: '2021-01-01' }, limit: 500 });
    expect(names(later.nodes.map((x) => x.id)).sort()).toEqual(['A', 'E']);
    const cut = await graph.neighbourhood(NPV, { ids: [n.A.id], hops: 3, limit: 4 });
    expect(cut.nodes).toHaveLength(4);
    expect(cut.truncated).toBe(true);
    expect(cut.cut.nodes).toBe(1);
    expect(cut.cut.edges).toBeGreaterThanOrEqual(1);
  });

  it('finds the k shortest paths through visible objects only', async () => {
    const np = await graph.paths(NPV, { fromId: n.A.id, toId: n.G.id, k: 3, maxHops: 5, respectDirection: false });
    const found = np.paths.map((p) => names(p.nodeIds).join(''));
    expect(found[0]).toBe('AEDFG');
    expect(new Set(found.slice(1))).toEqual(new Set(['ABCDFG', 'AEDFHG'])); // both of length 5
    expect(np.paths.map((p) => p.length)).toEqual([4, 5, 5]);
    expect(np.nodes.map((x) => x.id)).not.toContain(n.X.id);
    const s = await graph.paths(SV, { fromId: n.A.id, toId: n.G.id, k: 1, maxHops: 5, respectDirection: false });
    expect(names(s.paths[0].nodeIds).join('')).toBe('AXG');
    const short = await graph.paths(NPV, { fromId: n.A.id, toId: n.G.id, k: 1, maxHops: 3, respectDirection: false });
    expect(short.paths).toEqual([]);
    // D→F is directed: walking it backwards is refused when direction is respected.
    const back = await graph.paths(NPV, { fromId: n.G.id, toId: n.A.id, k: 1, maxHops: 5, respectDirection: true });
    expect(back.paths).toEqual([]);
    // An end the reader may not see (X is S) or that is deleted (Z) is NOT_FOUND, path or not, same end or not.
    await expect(graph.paths(NPV, { fromId: n.A.id, toId: n.X.id, k: 1, maxHops: 5, respectDirection: false })).rejects.toThrow(/not found/);
    await expect(graph.paths(NPV, { fromId: n.X.id, toId: n.X.id, k: 1, maxHops: 5, respectDirection: false })).rejects.toThrow(/not found/);
    await expect(graph.paths(NPV, { fromId: n.Z.id, toId: n.A.id, k: 2, maxHops: 5, respectDirection: false })).rejects.toThrow(/not found/);
    expect((await graph.paths(NPV, { fromId: n.A.id, toId: n.A.id, k: 1, maxHops: 5, respectDirection: false })).paths).toEqual([{ nodeIds: [n.A.id], edgeIds: [], length: 0 }]);
  });

  it('searches around a set by direction and object type', async () => {
    const r = await graph.searchAround(NPV, { ids: [n.A.id, n.D.id], direction: 'both', limit: 500 });
    expect(names(r.nodes.map((x) => x.id)).sort()).toEqual(['B', 'C', 'E', 'F']);
    expect(r.nodes.find((x) => x.id === n.E.id)?.seedIds.sort()).toEqual([n.A.id, n.D.id].sort());
    expect(r.countsByType).toEqual([
      { type: 'Person', count: 3 },
      { type: 'Organization', count: 1 },
    ]);
    const out = await graph.searchAround(NPV, { ids: [n.F.id], direction: 'out', linkTypes: ['calls'], limit: 500 });
    expect(out.nodes).toEqual([]);
    const inn = await graph.searchAround(NPV, { ids: [n.F.id], direction: 'in', linkTypes: ['calls'], limit: 500 });
    expect(names(inn.nodes.map((x) => x.id))).toEqual(['D']);
  });

  it('computes centralities and communities over what the reader may see', async () => {
    const visible = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((k) => n[k].id);
    const r = await graph.metrics(NPV, { ids: visible, hops: 0, limit: 1000 });
    const by = new Map(r.nodes.map((x) => [idName.get(x.id), x]));
    expect(r.edgeCount).toBe(9);
    expect(by.get('D')?.betweenness).toBeCloseTo(13 / 21, 5);
    expect(by.get('F')?.betweenness).toBeCloseTo(10 / 21, 5);
    expect(by.get('A')?.degree).toBe(2);
    expect(by.get('F')?.community).toBe(by.get('G')?.community);
    expect(by.get('A')?.community).not.toBe(by.get('G')?.community);
    // With X visible (S), the A–X–G shortcut takes betweenness away from D.
    const s = await graph.metrics(SV, { ids: [...visible, n.X.id], hops: 0, limit: 1000 });
    expect(s.nodes.find((x) => x.id === n.D.id)?.betweenness).toBeLessThan(13 / 21);
    await expect(graph.metrics(NPV, { ids: [...visible, n.X.id], hops: 0, limit: 1000 })).rejects.toThrow(/not found/);
  });
});

describe('access matrix: timeline and geo', () => {
  it('buckets only dates the reader may see', async () => {
    const np = await tg.timeline(NPV, { bucket: 'year', includeLinks: true, limit: 200 });
    const s = await tg.timeline(SV, { bucket: 'year', includeLinks: true, limit: 200 });
    const year = (r: typeof np, y: string) => r.buckets.find((b) => b.start.startsWith(y));
    expect(year(np, '1970')?.objects).toBe(1);
    expect(year(np, '1985')).toBeUndefined(); // Lefèvre's birth date is S
    expect(year(s, '1985')?.objects).toBe(1);
    expect(year(np, '1975')).toBeUndefined(); // the S person
    expect(year(np, '2025')).toEqual({ start: '2025-01-01T00:00:00.000Z', objects: 2, links: 1 });
    expect(year(np, '2020')?.links).toBe(1);
    expect(s.total).toBe(np.total + 2);
    const forA = await tg.timeline(NPV, { ids: [n.A.id], bucket: 'day', includeLinks: true, limit: 200 });
    expect(forA.items.map((i) => i.id)).toEqual([links.AB.id]);
  });

  it('finds and clusters only places the reader may see', async () => {
    const circle = { center: { lat: 48.8566, lon: 2.3522 }, radiusMeters: 50_000 };
    const np = await tg.geo(NPV, { circle, clusterAbove: 500, grid: 16 });
    expect(np.points.map((p) => p.id)).toEqual([people.dupont.id]);
    const s = await tg.geo(SV, { circle, clusterAbove: 500, grid: 16 });
    expect(new Set(s.points.map((p) => p.id))).toEqual(new Set([people.dupont.id, people.secret.id]));
    const box = { minLat: 40, maxLat: 50, minLon: 0, maxLon: 6 };
    const clustered = await tg.geo(NPV, { box, clusterAbove: 1, grid: 4 });
    expect(clustered.clustered).toBe(true);
    expect(clustered.total).toBe(2);
    expect(clustered.clusters.reduce((a, c) => a + c.count, 0)).toBe(2);
    const sClustered = await tg.geo(SV, { box, clusterAbove: 1, grid: 4 });
    expect(sClustered.clusters.reduce((a, c) => a + c.count, 0)).toBe(3);
  });
});
