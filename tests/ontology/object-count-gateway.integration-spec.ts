import { api, call } from './ontology-test.helpers';

/**
 * Through the running gateway: a filtered object count answers on the shared `alpha` tenant (100k+
 * people in the development stack) with `exact: false` when the tenant holds more people than one
 * scan reads, exact otherwise; and a request whose URL and headers exceed Node's header limit
 * (16 KiB) answers a JSON 431 in the gateway's error shape instead of an empty body.
 */
interface Count {
  count: number;
  exact: boolean;
}

const ts = { user: 'alpha-ts', purpose: true };
const noMatch = encodeURIComponent(JSON.stringify([{ property: 'fullName', op: 'eq', value: 'No such person, count-gateway spec' }]));

describe('GET /api/v1/objects/count through the gateway', () => {
  it('counts exactly without property filters and answers a no-match filter with exact: false when the tenant exceeds the scan bound', async () => {
    const plain = await call<Count>('GET', '/objects/count?type=Person', ts);
    expect([plain.status, plain.body.exact]).toEqual([200, true]);
    const filtered = await call<Count>('GET', `/objects/count?type=Person&filters=${noMatch}`, ts);
    expect(filtered).toEqual({ status: 200, body: { count: 0, exact: plain.body.count <= 20_000 } });
  });

  it('documents { count, exact } in the OpenAPI document', async () => {
    const doc = (await (await fetch(api('/x').replace(/\/api\/v1\/x$/, '/api/docs/openapi.json'))).json()) as {
      paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }> }> } }>;
    };
    const schema = doc.paths['/api/v1/objects/count']?.get?.responses?.['200']?.content?.['application/json']?.schema;
    expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(['count', 'exact']);
    expect(schema?.required?.sort()).toEqual(['count', 'exact']);
  });
});

describe('request headers over the limit', () => {
  it('a 20 KB query string answers 431 with the gateway JSON error body naming the limit', async () => {
    const res = await fetch(api(`/objects/count?filters=${'x'.repeat(20_000)}`));
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'REQUEST_HEADERS_TOO_LARGE', message: expect.stringContaining('limit of 16384 bytes') } });
  });

  it('a request just under the limit still reaches the API (a JSON 401 without a token)', async () => {
    const res = await fetch(api(`/objects/count?filters=${'x'.repeat(8_000)}`));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String));
  });
});
