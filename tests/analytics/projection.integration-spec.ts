import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import type { ObjectView } from '@vigie/ontology-contracts';
import { projectionStatus, SearchResponse, SubgraphResponse } from '@vigie/analytics-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { eventually, link, mark, ontologyPublisher, person, post, publishLink, publishObject, setupConnection } from './analytics-test.helpers';

/**
 * The projections follow the ONTOLOGY stream: re-markings and deletions are reflected, a
 * redelivered older version changes nothing. The restart case is in
 * projection-restart.disruptive-spec.ts (it stops the service, so it runs alone, after the rest).
 */
const sfx = Array.from(randomBytes(7), (b) => 'bcdfghjklmnprstvz'[b % 17]).join('') + 'u';
const NPU = { user: 'alpha-np' };
const TSP = { user: 'alpha-ts', purpose: true };

let nc: NatsConnection;
let admin: NatsConnection;
let client: ServiceClient;

const search = (q: string, reader: { user: string; purpose?: boolean } = NPU) => post<SearchResponse>('/search', { q }, reader);
const ids = (r: { body: SearchResponse }) => r.body.items.map((i) => i.id);

beforeAll(async () => {
  nc = await ontologyPublisher();
  admin = await setupConnection();
  client = new ServiceClient(admin, 5000);
});

const published: ObjectView[] = [];

afterAll(async () => {
  // Delete what this run published (the tenant is shared with the other suites).
  for (const o of published) await publishObject(nc, 'alpha', { ...o, version: o.version + 10, deletedAt: new Date().toISOString() });
  await nc?.drain();
  await admin?.close();
});

describe('analytics projections', () => {
  it('reflects a re-marking and a deletion, and ignores a redelivered older version', async () => {
    const v1 = person(`Tamsin Groves ${sfx}`);
    const friend = person(`Ivo Marsh ${sfx}`);
    await publishObject(nc, 'alpha', v1);
    await publishObject(nc, 'alpha', friend);
    published.push(friend);
    await publishLink(nc, 'alpha', link(v1.id, friend.id));
    await eventually(() => search(`Tamsin Groves ${sfx}`), (r) => ids(r)[0] === v1.id);
    await eventually(() => post<SubgraphResponse>('/graph/neighbourhood', { ids: [friend.id] }, NPU), (r) => r.body.nodes?.length === 2);

    // Re-marked S: gone for the NP reader — from search and from the neighbourhood of its friend.
    const v2 = { ...v1, version: 2, markings: mark('S'), properties: { ...v1.properties } };
    await publishObject(nc, 'alpha', v2);
    await eventually(() => search(`Tamsin Groves ${sfx}`), (r) => !ids(r).includes(v1.id));
    expect((await post<SubgraphResponse>('/graph/neighbourhood', { ids: [friend.id] }, NPU)).body.nodes.map((n) => n.id)).toEqual([friend.id]);
    expect(ids(await search(`Tamsin Groves ${sfx}`, TSP))).toContain(v1.id);

    // The old version delivered again (replay, redelivery): nothing changes.
    await publishObject(nc, 'alpha', v1);
    await eventually(() => client.request(projectionStatus, {}), (st) => st.lagMessages === 0, 10_000);
    expect(ids(await search(`Tamsin Groves ${sfx}`))).not.toContain(v1.id);

    // Deleted: gone for everyone, its links too.
    await publishObject(nc, 'alpha', { ...v2, version: 3, deletedAt: new Date().toISOString() });
    await eventually(() => search(`Tamsin Groves ${sfx}`, TSP), (r) => !ids(r).includes(v1.id));
    expect((await post<SubgraphResponse>('/graph/neighbourhood', { ids: [friend.id] }, TSP)).body.nodes.map((n) => n.id)).toEqual([friend.id]);
    expect((await post('/graph/neighbourhood', { ids: [v1.id] }, TSP)).status).toBe(404);
  });
});
