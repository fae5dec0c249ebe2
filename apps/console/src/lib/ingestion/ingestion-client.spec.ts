import { ApiClient, ApiError } from '../api-client';
import { IngestionClient, ProgressEvent } from './ingestion-client';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

function client(answer: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const api = new ApiClient({
    fetch: (async (url: string, init: RequestInit) => (calls.push({ url, init }), answer(url, init))) as unknown as typeof fetch,
    accessToken: async () => 'tok',
    purpose: () => null,
  });
  return { ingestion: new IngestionClient(api), calls };
}

const JOB = { id: 'j1', status: 'completed', counts: { read: 3, valid: 2, quarantined: 1, written: 2, merged: 0 } };

describe('IngestionClient', () => {
  it('uploads multipart with the text fields before the file and the bearer token', async () => {
    const { ingestion, calls } = client(() => new Response(JSON.stringify(JOB), { status: 201 }));
    const job = await ingestion.upload({ file: new Blob(['id\n1\n']), fileName: 'p.csv', format: 'csv', source: 'src', mapping: 'version: 1', markings: { level: 'DR', compartments: ['cyber'] } });
    expect(job.id).toBe('j1');
    expect(calls[0].url).toBe('/api/v1/ingest/jobs');
    expect((calls[0].init.headers as Record<string, string>)['authorization']).toBe('Bearer tok');
    const form = calls[0].init.body as FormData;
    expect([...form.keys()]).toEqual(['format', 'source', 'mapping', 'markings', 'file']);
    expect(form.get('markings')).toBe('{"level":"DR","compartments":["cyber"]}');
    expect((form.get('file') as File).name).toBe('p.csv');
  });

  it('turns a refused upload into an ApiError naming the problem', async () => {
    const { ingestion } = client(() => new Response(JSON.stringify({ error: { code: 'MAPPING_INVALID', message: 'objects.person.type: unknown type Persn (line 5)' } }), { status: 400 }));
    await expect(ingestion.upload({ file: new Blob(['x']), fileName: 'p.csv' })).rejects.toMatchObject({ status: 400, code: 'MAPPING_INVALID', message: expect.stringContaining('line 5') });
  });

  it('follows server-sent progress until the end event', async () => {
    const progress = { jobId: 'j1', status: 'running', counts: JOB.counts, rate: 10, etaSeconds: 3, bytesRead: 5, bytesTotal: 10, at: '2026-01-01T00:00:00Z' };
    const body = `retry: 2000\n\nevent: progress\ndata: ${JSON.stringify(progress)}\n\n: keep-alive\n\nevent: end\ndata: ${JSON.stringify(JOB)}\n\n`;
    const { ingestion, calls } = client(() => new Response(streamOf([body.slice(0, 30), body.slice(30)]), { status: 200 }));
    const seen: ProgressEvent[] = [];
    const final = await ingestion.watch('j1', (e) => seen.push(e));
    expect(calls[0].url).toBe('/api/v1/ingest/jobs/j1/events');
    expect(seen.map((e) => e.bytesRead)).toEqual([5]);
    expect(final.status).toBe('completed');
  });

  it('throws on an error event and on a stream that ends early', async () => {
    const { ingestion } = client(() => new Response(streamOf(['event: error\ndata: {"code":"TOKEN_EXPIRED","message":"token expired"}\n\n']), { status: 200 }));
    await expect(ingestion.watch('j1', () => undefined)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    const early = client(() => new Response(streamOf(['event: progress\ndata: {}\n\n']), { status: 200 }));
    await expect(early.ingestion.watch('j1', () => undefined)).rejects.toBeInstanceOf(ApiError);
  });

  it('reads the quarantine report and says when it is cut', async () => {
    const lines = [1, 2, 3].map((i) => JSON.stringify({ jobId: 'j1', index: i, line: i + 1, offset: 0, code: 'COLUMN_COUNT', reason: 'r', raw: 'x', at: 'now' })).join('\n');
    const { ingestion, calls } = client(() => new Response(`${lines}\n`, { status: 200 }));
    const report = await ingestion.quarantine('j1', 2);
    expect(calls[0].url).toBe('/api/v1/ingest/jobs/j1/quarantine?format=ndjson');
    expect(report.records.map((r) => r.line)).toEqual([2, 3]);
    expect(report.truncated).toBe(true);
  });

  it('validates a mapping with the file columns when known', async () => {
    const { ingestion, calls } = client(() => new Response(JSON.stringify({ ok: false, errors: [{ path: 'objects.p.type', line: 4, column: 11, message: 'unknown type' }] }), { status: 200 }));
    const result = await ingestion.validate('m', ['id']);
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ mapping: 'm', columns: ['id'] });
    expect(result.ok).toBe(false);
  });
});
