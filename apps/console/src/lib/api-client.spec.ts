import { ApiClient, ApiError } from './api-client';

function client(status: number, body: unknown, purpose: { caseRef: string; justification: string } | null = null) {
  const calls: { url: string; init: RequestInit }[] = [];
  const api = new ApiClient({
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
    }) as unknown as typeof fetch,
    accessToken: async () => 'the-token',
    purpose: () => purpose,
  });
  return { api, calls };
}

describe('ApiClient', () => {
  it('sends the bearer token, the stated purpose and the JSON body', async () => {
    const { api, calls } = client(200, { items: [], nextCursor: null, total: 0, facets: { types: [], properties: {} } }, { caseRef: 'C-1', justification: 'why' });
    await expect(api.search({ q: 'dupont', types: ['Person'] })).resolves.toMatchObject({ total: 0 });
    const headers = calls[0].init.headers as Record<string, string>;
    expect(calls[0].url).toBe('/api/v1/search');
    expect(calls[0].init.method).toBe('POST');
    expect(headers['authorization']).toBe('Bearer the-token');
    expect(JSON.parse(headers['x-purpose'])).toEqual({ caseRef: 'C-1', justification: 'why' });
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ q: 'dupont', types: ['Person'] });
    expect(calls[0].init.credentials).toBe('omit');
  });

  it('sends no purpose header when none is stated, and encodes path parts', async () => {
    const { api, calls } = client(200, { items: [], nextCursor: null });
    await api.links('a b');
    expect((calls[0].init.headers as Record<string, string>)['x-purpose']).toBeUndefined();
    expect(calls[0].url).toBe('/api/v1/links?objectId=a+b&direction=both&limit=100');
  });

  it('turns the gateway error body into an ApiError; 428 means a purpose is required', async () => {
    const { api } = client(428, { error: { code: 'PURPOSE_REQUIRED', message: 'state a purpose' }, traceId: 't1' });
    const error = await api.object('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 428, code: 'PURPOSE_REQUIRED', message: 'state a purpose', traceId: 't1', purposeRequired: true });
  });

  it('returns the health report on 503 and refuses a non-JSON answer', async () => {
    await expect(client(503, { status: 'down', version: '0.1.0', services: {} }).api.health()).resolves.toMatchObject({ status: 'down' });
    await expect(client(502, '<html>bad gateway</html>').api.me()).rejects.toMatchObject({ code: 'INVALID_RESPONSE', status: 502 });
  });
});
