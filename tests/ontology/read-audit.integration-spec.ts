import type { LinkView, ObjectView } from '@vigie/ontology-contracts';
import { api, eventually, everyMatch, PURPOSE, runSuffix, tokenOf } from './ontology-test.helpers';

/**
 * Ontology reads through the gateway against the running services, with real tokens: data marked
 * at or above the purpose level (S by default) needs x-purpose (428 saying what to send) while
 * what a reader may not see stays 404 whatever the purpose; counts count only what the caller may
 * see; every read and every refused change is in the audit log with ids, query and purpose;
 * changes take the version read as If-Match or expectedVersion (stale: 412).
 */
const sfx = runSuffix();
const provenance = { source: `ontology-read-it-${sfx}` };

interface Who {
  user: string;
  purpose?: boolean;
}
const writer: Who = { user: 'alpha-ts', purpose: true };
const np: Who = { user: 'alpha-np' };
const dr: Who = { user: 'alpha-dr' };
const s: Who = { user: 'alpha-s' };
const sWithPurpose: Who = { user: 'alpha-s', purpose: true };
const tsWithPurpose: Who = { user: 'alpha-ts', purpose: true };
const bravo: Who = { user: 'bravo-ts', purpose: true };
const auditor: Who = { user: 'alpha-auditor' };

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

async function http<T = ErrorBody>(method: string, path: string, who: Who, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch(api(path), {
    method,
    headers: {
      authorization: `Bearer ${await tokenOf(who.user.split('-')[0] as string, who.user)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(who.purpose ? { 'x-purpose': JSON.stringify(PURPOSE) } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
}

const o: Record<'open' | 'secret' | 'orgS' | 'orgCyber', ObjectView> = {} as never;
let link: LinkView;

async function create(key: keyof typeof o, type: string, properties: Record<string, unknown>, markings: unknown, propertyMarkings?: unknown): Promise<void> {
  const r = await http<ObjectView>('POST', '/objects', writer, { type, properties, markings, ...(propertyMarkings ? { propertyMarkings } : {}), provenance });
  if (r.status !== 201) throw new Error(`create ${key}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  o[key] = r.body;
}

/**
 * Lists and counts start from the objects of this run (index on tenant, type, updated_at): the
 * shared tenant holds 100k+ objects. Taken just before they are created: from a minute before,
 * other suites' imports meanwhile could put a bounded scan's worth of people before ours.
 */
let since = '';
const filterQuery = (property: string) => `updatedSince=${encodeURIComponent(since)}&filters=${encodeURIComponent(JSON.stringify([{ property, op: 'contains', value: sfx }]))}`;

beforeAll(async () => {
  since = new Date(Date.now() - 2_000).toISOString();
  await create('open', 'Person', { fullName: `Lucien Ardoise ${sfx}`, occupation: 'Notaire' }, { level: 'NP', compartments: [] }, { occupation: { level: 'S', compartments: [] } });
  await create('secret', 'Person', { fullName: `Corbeau Gris ${sfx}` }, { level: 'S', compartments: ['op-saphir'] });
  await create('orgS', 'Organization', { name: `Holding Brume ${sfx}` }, { level: 'S', compartments: [] });
  await create('orgCyber', 'Organization', { name: `Cyber Veille ${sfx}` }, { level: 'S', compartments: ['cyber'] });
  const l = await http<LinkView>('POST', '/links', writer, { type: 'works_for', fromId: o.open.id, toId: o.orgS.id, markings: { level: 'NP', compartments: [] }, provenance });
  if (l.status !== 201) throw new Error(`create link: HTTP ${l.status} ${JSON.stringify(l.body)}`);
  link = l.body;
});

describe('purpose: data marked S or above needs x-purpose', () => {
  it('answers 428 PURPOSE_REQUIRED saying what to send, then serves the object once a purpose is stated', async () => {
    const without = await http('GET', `/objects/${o.secret.id}`, s);
    expect([without.status, without.body.error.code]).toEqual([428, 'PURPOSE_REQUIRED']);
    expect(without.body.error.message).toMatch(/x-purpose: \{"caseRef":.*"justification":/);
    expect(JSON.stringify(without.body)).not.toContain('Corbeau');
    const withPurpose = await http<ObjectView>('GET', `/objects/${o.secret.id}`, sWithPurpose);
    expect([withPurpose.status, withPurpose.body.title]).toEqual([200, `Corbeau Gris ${sfx}`]);
  });

  it('keeps what the reader may not see 404 whatever the purpose (a 428 never reveals existence)', async () => {
    for (const who of [s, sWithPurpose]) {
      const hidden = await http('GET', `/objects/${o.orgCyber.id}`, who);
      expect([who.purpose ?? false, hidden.status, hidden.body.error.code]).toEqual([who.purpose ?? false, 404, 'ONTOLOGY_OBJECT_NOT_FOUND']);
    }
    const unknownId = await http('GET', '/objects/5d0c7a41-8f3e-4c4e-9a8e-1b2c3d4e5f60', s);
    expect(unknownId.status).toBe(404);
    // A reader cleared below the level is never asked for a purpose: what is above them is simply not there.
    expect((await http('GET', `/objects/${o.secret.id}`, np)).status).toBe(404);
    expect((await http('GET', `/objects/${o.secret.id}/history`, dr)).status).toBe(404);
  });

  it('asks for a purpose on history, diff, a past version and a link whose end is marked S', async () => {
    for (const path of [`/objects/${o.secret.id}/history`, `/objects/${o.secret.id}/diff?from=1&to=1`, `/objects/${o.secret.id}?version=1`, `/links/${link.id}`]) {
      const r = await http('GET', path, s);
      expect([path, r.status, r.body.error.code]).toEqual([path, 428, 'PURPOSE_REQUIRED']);
      expect([path, (await http('GET', path, sWithPurpose)).status]).toEqual([path, 200]);
    }
  });

  it('serves an NP object without a purpose, leaving out its properties marked S', async () => {
    const without = await http<ObjectView>('GET', `/objects/${o.open.id}`, s);
    expect(without.status).toBe(200);
    expect(Object.keys(without.body.properties).sort()).toEqual(['fullName']);
    const withPurpose = await http<ObjectView>('GET', `/objects/${o.open.id}`, sWithPurpose);
    expect(Object.keys(withPurpose.body.properties).sort()).toEqual(['fullName', 'occupation']);
  });

  it('lists without a purpose leave out what is marked S or above', async () => {
    const list = async (who: Who) => (await everyMatch<ObjectView>(`/objects?type=Person&${filterQuery('fullName')}`, who)).map((x) => x.id).sort();
    expect(await list(s)).toEqual([o.open.id]);
    expect(await list(sWithPurpose)).toEqual([o.open.id, o.secret.id].sort());
  });
});

describe('counts', () => {
  it.each([
    ['NP', np, 1, 0],
    ['DR + cyber', dr, 1, 0],
    ['S without a purpose', s, 1, 0],
    ['S + op-saphir with a purpose', sWithPurpose, 2, 1],
    ['TS, every compartment, with a purpose', tsWithPurpose, 2, 2],
    ['bravo TS (another tenant)', bravo, 0, 0],
  ])('a %s reader counts exactly what it may list', async (_label, who, persons, orgs) => {
    const count = async (path: string) => {
      const r = await http<{ count: number; exact?: boolean }>('GET', path, who);
      // Object counts narrowed to this run (updatedSince) stay below the scan bound, and a link count without tests is exact.
      expect([path, r.status, r.body.exact]).toEqual([path, 200, true]);
      return r.body.count;
    };
    expect(await count(`/objects/count?type=Person&${filterQuery('fullName')}`)).toBe(persons);
    expect(await count(`/objects/count?type=Organization&${filterQuery('name')}`)).toBe(orgs);
    expect(await everyMatch<ObjectView>(`/objects?type=Person&${filterQuery('fullName')}`, who)).toHaveLength(persons);
    // The link to the S organisation is counted only when its far end may be seen.
    const links = await count(`/links/count?objectId=${o.open.id}`);
    expect(links).toBe(orgs > 0 && who.purpose ? 1 : 0);
  });

  it('refuses a malformed count query with a 400 naming what is wrong', async () => {
    const r = await http('GET', '/objects/count?includeDeleted=maybe', np);
    expect([r.status, r.body.error.message]).toEqual([400, expect.stringContaining('includeDeleted')]);
    const badFilter = await http('GET', `/objects/count?filters=${encodeURIComponent('[{"property":"fullName","op":"near","value":"x"}]')}`, np);
    expect([badFilter.status, badFilter.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('version conflicts', () => {
  it('gives the version as ETag and takes it back as If-Match: stale → 412 with the current version', async () => {
    const read = await http<ObjectView>('GET', `/objects/${o.orgS.id}`, tsWithPurpose);
    expect([read.body.version, read.headers.get('etag'), read.headers.get('cache-control')]).toEqual([1, expect.stringMatching(/^"1\.[A-Za-z0-9_-]+"$/), 'no-store']);
    const etag = read.headers.get('etag') as string;
    const updated = await http<ObjectView>('PATCH', `/objects/${o.orgS.id}`, writer, { set: { name: `Holding Brume II ${sfx}` }, provenance }, { 'if-match': etag });
    expect([updated.status, updated.body.version, updated.headers.get('etag')]).toEqual([200, 2, expect.stringMatching(/^"2\./)]);
    const stale = await http('PATCH', `/objects/${o.orgS.id}`, writer, { set: { name: `Holding Brume III ${sfx}` }, provenance }, { 'if-match': etag });
    expect([stale.status, stale.body.error.code, stale.body.error.details]).toEqual([412, 'ONTOLOGY_VERSION_CONFLICT_OBJECT', { expectedVersion: 1, currentVersion: 2 }]);
    const staleBody = await http('PATCH', `/objects/${o.orgS.id}`, writer, { expectedVersion: 1, set: { name: 'x' }, provenance });
    expect([staleBody.status, staleBody.body.error.code]).toEqual([412, 'ONTOLOGY_VERSION_CONFLICT_OBJECT']);
    const staleDelete = await http('DELETE', `/objects/${o.orgS.id}`, writer, undefined, { 'if-match': '"1"' });
    expect([staleDelete.status, staleDelete.body.error.code]).toEqual([412, 'ONTOLOGY_VERSION_CONFLICT_OBJECT']);
  });

  it('never answers 304 with a body the caller has not got: the ETag names what this reader sees', async () => {
    const withoutPurpose = await http<ObjectView>('GET', `/objects/${o.open.id}`, s);
    const withPurpose = await http<ObjectView>('GET', `/objects/${o.open.id}`, sWithPurpose, undefined, { 'if-none-match': withoutPurpose.headers.get('etag') as string });
    expect([withPurpose.status, Object.keys(withPurpose.body.properties).sort()]).toEqual([200, ['fullName', 'occupation']]);
    expect(withPurpose.headers.get('etag')).not.toBe(withoutPurpose.headers.get('etag'));
  });

  it('refuses If-Match "*", a malformed one, or one that disagrees with the body (400 naming If-Match); a change without either is 400', async () => {
    for (const [header, body] of [
      ['*', {}],
      ['"two"', {}],
      ['"2"', { expectedVersion: 1 }],
    ] as const) {
      const r = await http('PATCH', `/objects/${o.open.id}`, writer, { ...body, set: {}, provenance }, { 'if-match': header });
      expect([header, r.status, r.body.error.message]).toEqual([header, 400, expect.stringContaining('If-Match')]);
    }
    const missing = await http('PATCH', `/objects/${o.open.id}`, writer, { set: {}, provenance });
    expect([missing.status, missing.body.error.message]).toEqual([400, expect.stringContaining('expectedVersion')]);
  });

  it('is what the OpenAPI document says: If-Match and 412 on changes, ETag, 404/428/503 on reads, the count routes', async () => {
    const doc = (await (await fetch(api('/x').replace(/\/api\/v1\/x$/, '/api/docs/openapi.json'))).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    const item = doc.paths['/api/v1/objects/{id}']!;
    expect(item['patch']?.parameters?.map((p) => p.name)).toContain('If-Match');
    expect(Object.keys(item['patch']?.responses ?? {})).toContain('412');
    expect(Object.keys(item['delete']?.responses ?? {})).toContain('412');
    expect(Object.keys(item['get']?.responses ?? {})).toEqual(expect.arrayContaining(['200', '404', '428', '503']));
    expect(Object.keys(item['get']?.responses['200']?.headers ?? {})).toContain('ETag');
    expect(Object.keys(doc.paths['/api/v1/links/{id}']!['patch']?.responses ?? {})).toContain('412');
    for (const path of ['/api/v1/objects/count', '/api/v1/links/count']) expect([path, Object.keys(doc.paths[path]?.['get']?.responses ?? {})]).toEqual([path, ['200', '503']]);
  });

  it('takes If-Match on links too', async () => {
    const read = await http<LinkView>('GET', `/links/${link.id}`, tsWithPurpose);
    expect(read.headers.get('etag')).toMatch(/^"1\./);
    const stale = await http('PATCH', `/links/${link.id}`, writer, { set: {}, markings: { level: 'NP', compartments: [] }, provenance }, { 'if-match': '"9"' });
    expect([stale.status, stale.body.error.code]).toEqual([412, 'ONTOLOGY_VERSION_CONFLICT_OBJECT']);
  });
});

describe('the audit log', () => {
  interface Rec {
    event: { action: string; outcome: string; actor: { username?: string }; purpose: unknown; resources: { type: string; id: string }[]; details: Record<string, unknown> };
  }
  const records = async (query: string) => {
    const r = await http<{ records: Rec[] }>('GET', `/audit/records?${query}&limit=200`, auditor);
    expect(r.status).toBe(200);
    return r.body.records.map((x) => x.event);
  };

  it('holds every read with the ids read, the purpose and the outcome — a 428 as denied', async () => {
    const events = await eventually(
      () => records(`resourceId=${o.secret.id}&action=object.read`),
      (list) => list.some((e) => e.outcome === 'success' && e.actor.username === 'alpha-s') && list.some((e) => e.outcome === 'denied'),
    );
    expect(events.find((e) => e.outcome === 'success' && e.actor.username === 'alpha-s')).toMatchObject({ purpose: PURPOSE, resources: [{ type: 'object', id: o.secret.id }] });
    expect(events.find((e) => e.outcome === 'denied')).toMatchObject({ purpose: null, details: { error: 'PURPOSE_REQUIRED', clearanceCapped: 'no purpose stated' } });
  });

  it('holds a list with its query and every id returned, and a hidden object as a failed read', async () => {
    const lists = await eventually(
      () => records(`resourceId=${o.secret.id}&action=object.list`),
      (list) => list.length > 0,
    );
    expect(lists[0]).toMatchObject({ purpose: PURPOSE, details: { query: { type: 'Person', filters: [{ property: 'fullName', op: 'contains', value: sfx }] } } });
    expect(lists[0]?.resources).toEqual(expect.arrayContaining([{ type: 'object', id: o.open.id }, { type: 'object', id: o.secret.id }]));
    const hidden = await eventually(
      () => records(`resourceId=${o.orgCyber.id}&action=object.read&outcome=failure`),
      (list) => list.some((e) => e.actor.username === 'alpha-s'),
    );
    expect(hidden[0]?.details).toMatchObject({ error: 'ONTOLOGY_OBJECT_NOT_FOUND' });
  });

  it('holds a refused change (stale version) as well as the changes made', async () => {
    const refused = await eventually(
      () => records(`resourceId=${o.orgS.id}&action=object.update`),
      (list) => list.some((e) => e.outcome === 'failure') && list.some((e) => e.outcome === 'success'),
    );
    expect(refused.find((e) => e.outcome === 'failure')?.details).toMatchObject({ error: 'ONTOLOGY_VERSION_CONFLICT_OBJECT' });
  });
});
