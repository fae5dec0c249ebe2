import { gatewayUrl } from '@vigie/shared-testing';
import { api, expectBalanced, login, PEOPLE_MAPPING, peopleCsv, uniqueSource, upload, waitJob } from './ingestion-test.helpers';

let ingest: string;
let analyst: string;
let bravo: string;

async function post<T = Record<string, unknown>>(path: string, token: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(gatewayUrl(`/api/v1${path}`), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

interface Stored {
  id: string;
  name: string;
  text?: string;
  markings: { level: string };
  objects: { alias: string; type: string }[];
  fields: string[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { errors: { path: string; line: number; column: number; message: string }[] } };
}

beforeAll(async () => {
  [ingest, analyst, bravo] = await Promise.all([login('alpha-ingest'), login('alpha-s'), login('bravo-admin', 'bravo')]);
});

describe('stored mappings (per tenant, role vigie-ingest)', () => {
  const name = uniqueSource('people-mapping');

  it('saves a mapping that fits the ontology, lists it, returns its text, and refuses the same name twice (409)', async () => {
    const created = await post<Stored>('/ingest/mappings', ingest, { name, description: 'people and their phones', mapping: PEOPLE_MAPPING });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, markings: { level: 'NP' }, text: PEOPLE_MAPPING });
    expect(created.body.objects.map((o) => o.type)).toEqual(['Person', 'Phone']);
    expect(created.body.fields.sort()).toEqual(['first_name', 'id', 'last_name', 'phone']);

    const got = await api<Stored>(`/ingest/mappings/${created.body.id}`, ingest);
    expect(got.status).toBe(200);
    expect(got.body.text).toBe(PEOPLE_MAPPING);
    const listed = await api<{ items: Stored[] }>(`/ingest/mappings?prefix=${encodeURIComponent(name)}`, ingest);
    expect(listed.body.items.map((m) => m.name)).toEqual([name]);
    expect(listed.body.items[0]!.text).toBeUndefined();

    const again = await post<ErrorBody>('/ingest/mappings', ingest, { name, mapping: PEOPLE_MAPPING });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INGESTION_MAPPING_NAME_TAKEN');
  });

  it('refuses a mapping that does not fit the ontology with 400 naming the field and the line of the mapping', async () => {
    const bad = PEOPLE_MAPPING.replace('familyName: last_name', 'familyNom: last_name');
    const r = await post<ErrorBody>('/ingest/mappings', ingest, { name: uniqueSource('bad-mapping'), mapping: bad });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INGESTION_INVALID_MAPPING');
    const line = bad.split('\n').findIndex((l) => l.includes('familyNom')) + 1;
    expect(r.body.error.details!.errors[0]).toMatchObject({ path: 'objects.person.properties.familyNom', line });
    expect(r.body.error.message).toContain(`objects.person.properties.familyNom (line ${line}`);
  });

  it('validates a stored mapping by id, against the columns of a file', async () => {
    const created = await post<Stored>('/ingest/mappings', ingest, { name: uniqueSource('validate'), mapping: PEOPLE_MAPPING });
    const ok = await post<{ ok: boolean }>('/ingest/mappings/validate', ingest, { mappingId: created.body.id, columns: ['id', 'first_name', 'last_name', 'phone'] });
    expect(ok.body.ok).toBe(true);
    const missing = await post<{ ok: boolean; errors: { path: string; line: number; message: string }[] }>('/ingest/mappings/validate', ingest, { mappingId: created.body.id, columns: ['id', 'first_name'] });
    expect(missing.body.ok).toBe(false);
    expect(missing.body.errors.map((e) => e.message).join(' ')).toMatch(/last_name/);
    expect(missing.body.errors.every((e) => e.line > 1)).toBe(true);
  });

  it('runs a job with mappingId: the job names the stored mapping and completes with exact counts', async () => {
    const created = await post<Stored>('/ingest/mappings', ingest, { name: uniqueSource('job'), mapping: PEOPLE_MAPPING });
    const job = await upload(ingest, 'stored.csv', peopleCsv(5, 71_000), { format: 'csv', source: uniqueSource('stored'), mappingId: created.body.id });
    expect(job.status).toBe(201);
    expect(job.body.mappingId).toBe(created.body.id);
    const done = await waitJob(ingest, job.body.id);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ read: 5, written: 5, quarantined: 0 });
    expectBalanced(done);
  }, 120_000);

  it('keeps tenants apart and needs the role: another tenant gets 404, an analyst 403, an unknown id 404', async () => {
    const created = await post<Stored>('/ingest/mappings', ingest, { name: uniqueSource('tenant'), mapping: PEOPLE_MAPPING });
    expect((await api(`/ingest/mappings/${created.body.id}`, bravo)).status).toBe(404);
    const validateBravo = await post<ErrorBody>('/ingest/mappings/validate', bravo, { mappingId: created.body.id });
    expect(validateBravo.status).toBe(404);
    expect(validateBravo.body.error.code).toBe('INGESTION_MAPPING_NOT_FOUND');
    expect((await api('/ingest/mappings', analyst)).status).toBe(403);
    expect((await post('/ingest/mappings', analyst, { name: uniqueSource('x'), mapping: PEOPLE_MAPPING })).status).toBe(403);
    expect((await api('/ingest/mappings/6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', ingest)).status).toBe(404);
  });
});
