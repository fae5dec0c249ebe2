import type { DiffResponse, LinkView, ObjectView, VersionSummary } from '@vigie/ontology-contracts';
import { call, everyMatch, runSuffix } from './ontology-test.helpers';

/**
 * The ontology through the gateway with real tokens of the development realms: markings enforced
 * on every read path for readers of different clearances in two tenants, history and diff, typed
 * errors mapped to HTTP statuses, type administration.
 */
const sfx = runSuffix();
const NP = { level: 'NP', compartments: [] };
const writer = { user: 'alpha-ts', purpose: true };
const np = { user: 'alpha-np' };
const dr = { user: 'alpha-dr' };
const s = { user: 'alpha-s', purpose: true };
const ts = { user: 'alpha-ts', purpose: true };
const bravo = { user: 'bravo-ts', purpose: true };
const provenance = { source: `ontology-it-${sfx}` };
/**
 * Lists start from the objects of this run (index on tenant, type, updated_at): the shared tenant
 * holds 100k+ objects. Taken just before they are created (same machine, same clock): from a minute
 * before, other suites' imports running meanwhile put more than a bounded scan's 10,000 people
 * (two filters) before ours, and the first page came back partial and empty.
 */
let since = '';

const created: Record<string, ObjectView> = {};
let worksFor: LinkView;
let usesSecretPhone: LinkView;

async function create(key: string, type: string, properties: Record<string, unknown>, markings: unknown, propertyMarkings?: unknown): Promise<ObjectView> {
  const r = await call<ObjectView>('POST', '/objects', writer, { type, properties, markings, ...(propertyMarkings ? { propertyMarkings } : {}), provenance });
  if (r.status !== 201) throw new Error(`create ${key}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  created[key] = r.body;
  return r.body;
}

const byName = (items: ObjectView[]) => items.map((o) => o.title?.split(' ')[0]).sort();

beforeAll(async () => {
  since = `updatedSince=${encodeURIComponent(new Date(Date.now() - 2_000).toISOString())}`;
  await create('person', 'Person', { fullName: `Odile Varenne ${sfx}`, nationalIds: ['880692310285'], occupation: 'Juriste' }, NP, { occupation: { level: 'S', compartments: ['op-saphir'] } });
  await create('org', 'Organization', { name: `Pelican Trading ${sfx}` }, { level: 'DR', compartments: ['cyber'] });
  await create('secretPerson', 'Person', { fullName: `Sabre Nocturne ${sfx}` }, { level: 'S', compartments: ['op-saphir'] });
  await create('phone', 'Phone', { number: '+33 7 55 44 33 22' }, { level: 'S', compartments: [] });
  worksFor = (await call<LinkView>('POST', '/links', writer, { type: 'works_for', fromId: created['person']!.id, toId: created['org']!.id, markings: NP, provenance })).body;
  usesSecretPhone = (await call<LinkView>('POST', '/links', writer, { type: 'uses', fromId: created['person']!.id, toId: created['phone']!.id, markings: NP, provenance })).body;
});

describe('objects through the gateway', () => {
  it.each([
    ['NP', np, ['Odile']],
    ['DR + cyber', dr, ['Odile', 'Pelican']],
    ['S + op-saphir', s, ['Odile', 'Sabre']],
    ['TS + every compartment', ts, ['Odile', 'Pelican', 'Sabre']],
    ['another tenant (bravo, TS)', bravo, []],
  ])('list, get and links: a %s reader sees exactly its objects; the others are 404', async (_label, reader, expected) => {
    const listed = await call<{ items: ObjectView[]; partial: boolean; nextCursor: string | null }>('GET', `/objects?filters=${encodeURIComponent(JSON.stringify([{ property: 'fullName', op: 'contains', value: sfx }]))}&type=Person&${since}`, reader);
    const orgs = await call<{ items: ObjectView[] }>('GET', `/objects?type=Organization&${since}&filters=${encodeURIComponent(JSON.stringify([{ property: 'name', op: 'contains', value: sfx }]))}`, reader);
    expect(listed.status).toBe(200);
    // A few objects since `since`: the bounded scan read them all, the page is complete.
    expect({ partial: listed.body.partial, nextCursor: listed.body.nextCursor }).toEqual({ partial: false, nextCursor: null });
    expect(byName([...listed.body.items, ...orgs.body.items])).toEqual(expected);
    for (const [key, o] of Object.entries(created)) {
      if (key === 'phone') continue;
      const got = await call<ObjectView & { error?: { code: string } }>('GET', `/objects/${o.id}`, reader);
      const name = o.title?.split(' ')[0] ?? '';
      if (expected.includes(name)) expect([key, got.status]).toEqual([key, 200]);
      else expect([key, got.status, got.body.error?.code]).toEqual([key, 404, 'ONTOLOGY_OBJECT_NOT_FOUND']);
    }
    const links = await call<{ items: LinkView[] }>('GET', `/links?objectId=${created['person']!.id}`, reader);
    const visibleLinks = links.status === 200 ? links.body.items.map((l) => l.type).sort() : [];
    expect(visibleLinks).toEqual([...(expected.includes('Pelican') ? ['works_for'] : []), ...(reader === s || reader === ts ? ['uses'] : [])].sort());
  });

  it('omits the properties marked above the reader and never matches on them', async () => {
    const seenByNp = await call<ObjectView>('GET', `/objects/${created['person']!.id}`, np);
    expect(Object.keys(seenByNp.body.properties).sort()).toEqual(['fullName']);
    const seenByS = await call<ObjectView>('GET', `/objects/${created['person']!.id}`, s);
    expect(Object.keys(seenByS.body.properties).sort()).toEqual(['fullName', 'nationalIds', 'occupation']);
    const filter = encodeURIComponent(JSON.stringify([{ property: 'occupation', op: 'eq', value: 'Juriste' }, { property: 'fullName', op: 'contains', value: sfx }]));
    expect((await everyMatch<ObjectView>(`/objects?type=Person&${since}&filters=${filter}`, np)).map((o) => o.id)).toEqual([]);
    expect((await everyMatch<ObjectView>(`/objects?type=Person&${since}&filters=${filter}`, s)).map((o) => o.id)).toEqual([created['person']!.id]);
    expect((await call('GET', `/links/${usesSecretPhone.id}`, np)).status).toBe(404);
    expect((await call('GET', `/links/${worksFor.id}`, dr)).status).toBe(200);
  });

  it('records every change as a version with who and why, readable as history and diff', async () => {
    const id = created['person']!.id;
    const updated = await call<ObjectView>('PATCH', `/objects/${id}`, writer, { expectedVersion: 1, set: { occupation: 'Avocate', birthDate: '14/07/1983' }, provenance });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, properties: { birthDate: { value: '1983-07-14' }, occupation: { value: 'Avocate', marking: { level: 'S', compartments: ['op-saphir'] } } } });
    const history = await call<{ items: VersionSummary[] }>('GET', `/objects/${id}/history`, ts);
    expect(history.body.items.map((v) => [v.version, v.change, v.changedProperties])).toEqual([
      [2, 'updated', ['birthDate', 'occupation']],
      [1, 'created', ['fullName', 'nationalIds', 'occupation']],
    ]);
    expect(history.body.items[0]).toMatchObject({ actor: { username: 'alpha-ts', kind: 'user' }, purpose: { caseRef: 'CASE-ONTOLOGY-IT' } });
    const npHistory = await call<{ items: VersionSummary[] }>('GET', `/objects/${id}/history`, np);
    expect(npHistory.body.items[0]?.changedProperties).toEqual(['birthDate']);
    const diff = await call<DiffResponse>('GET', `/objects/${id}/diff?from=1&to=2`, np);
    expect(diff.body.changes).toEqual([{ target: 'property', property: 'birthDate', kind: 'added', after: expect.objectContaining({ value: '1983-07-14' }) }]);
    const v1 = await call<ObjectView>('GET', `/objects/${id}?version=1`, ts);
    expect(v1.body).toMatchObject({ version: 1, properties: { occupation: { value: 'Juriste' } } });
  });

  it('maps errors to statuses: 401 without a token, 400 naming the field, 404 unknown, 412 stale version, 403 marking above the writer', async () => {
    expect((await call('GET', `/objects/${created['person']!.id}`, undefined)).status).toBe(401);
    const bad = await call<{ error: { code: string; message: string; details: { fields: { path: string }[] } } }>('POST', '/objects', writer, { type: 'Person', properties: {}, markings: { level: 'SECRET' }, provenance });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f) => f.path)).toContain('markings.level');
    const badQuery = await call<{ error: { message: string } }>('GET', '/objects?limit=many', np);
    expect([badQuery.status, badQuery.body.error.message]).toEqual([400, expect.stringContaining('limit')]);
    const invalid = await call<{ error: { code: string; message: string } }>('POST', '/objects', writer, { type: 'Person', properties: { fullName: 'X', birthDate: '31/02/1990' }, markings: NP, provenance });
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'ONTOLOGY_INVALID_PROPERTIES']);
    expect(invalid.body.error.message).toContain('Person.birthDate');
    expect((await call('GET', '/objects/8a5b0e0c-4a7e-4a52-9d55-2f1a4f7e0c11', ts)).status).toBe(404);
    const stale = await call<{ error: { code: string } }>('PATCH', `/objects/${created['person']!.id}`, writer, { expectedVersion: 1, set: { occupation: 'X' }, provenance });
    expect([stale.status, stale.body.error.code]).toEqual([412, 'ONTOLOGY_VERSION_CONFLICT_OBJECT']);
    const above = await call<{ error: { code: string } }>('POST', '/objects', np, { type: 'Phone', properties: { number: '+33 1 23 45 67 89' }, markings: { level: 'S', compartments: [] }, provenance });
    expect([above.status, above.body.error.code]).toEqual([403, 'ONTOLOGY_MARKING_ABOVE_CLEARANCE']);
  });

  it('soft-deletes and restores, hiding the links with the object', async () => {
    const org = created['org']!;
    const del = await call<ObjectView>('DELETE', `/objects/${org.id}?reason=doublon`, writer);
    expect(del.status).toBe(200);
    expect(del.body.deletedAt).not.toBeNull();
    expect((await call<{ items: LinkView[] }>('GET', `/links?objectId=${created['person']!.id}&type=works_for`, ts)).body.items).toEqual([]);
    const restored = await call<ObjectView>('POST', `/objects/${org.id}/restore`, writer, {});
    expect([restored.status, restored.body.deletedAt]).toEqual([200, null]);
    expect((await call<{ items: LinkView[] }>('GET', `/links?objectId=${created['person']!.id}&type=works_for`, ts)).body.items.map((l) => l.id)).toEqual([worksFor.id]);
  });
});

describe('types through the gateway', () => {
  const vessel = (values: string[]) => ({
    name: 'ItVessel',
    label: { fr: 'Navire (test)', en: 'Vessel (test)' },
    titleProperty: 'name',
    properties: [
      { name: 'name', label: { fr: 'Nom', en: 'Name' }, kind: 'string', required: true },
      { name: 'flag', label: { fr: 'Pavillon', en: 'Flag' }, kind: 'enum', values },
    ],
  });

  it('lets an administrator extend the ontology and refuses a change that would invalidate stored data (409, problems named)', async () => {
    const current = await call<{ document: { version: number } }>('GET', '/types', np);
    expect(current.status).toBe(200);
    const refused = await call('PUT', '/types/object/ItVessel', np, { expectedVersion: current.body.document.version, type: vessel(['pa', 'lr']) });
    expect(refused.status).toBe(403);
    const done = await call<{ version: number }>('PUT', '/types/object/ItVessel', { user: 'alpha-admin' }, { expectedVersion: current.body.document.version, type: vessel(['pa', 'lr', 'mt']) });
    expect(done.status).toBe(200);
    expect(done.body.version).toBe(current.body.document.version + 1);
    expect((await call<{ type: { name: string } }>('GET', '/types/object/ItVessel', np)).body.type.name).toBe('ItVessel');
    const vesselObject = await call('POST', '/objects', writer, { type: 'ItVessel', properties: { name: `Albatros ${sfx}`, flag: 'mt' }, markings: NP, provenance });
    expect(vesselObject.status).toBe(201);
    const breaking = await call<{ error: { code: string; details: { problems: { code: string; path: string }[] } } }>('PUT', '/types/object/ItVessel', { user: 'alpha-admin' }, { expectedVersion: done.body.version, type: vessel(['pa', 'lr']) });
    expect([breaking.status, breaking.body.error.code]).toEqual([409, 'ONTOLOGY_BREAKING_TYPE_CHANGE']);
    expect(breaking.body.error.details.problems).toEqual([expect.objectContaining({ code: 'ENUM_VALUE_IN_USE', path: 'ItVessel.flag' })]);
    const stale = await call('PUT', '/types/object/ItVessel', { user: 'alpha-admin' }, { expectedVersion: current.body.document.version, type: vessel(['pa', 'lr', 'mt']) });
    expect(stale.status).toBe(412);
    expect((await call('GET', '/types/object/Nope', np)).status).toBe(404);
    expect((await call('GET', '/types/things/Person', np)).status).toBe(404);
  });
});
