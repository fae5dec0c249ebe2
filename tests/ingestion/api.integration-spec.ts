import { gatewayUrl } from '@vigie/shared-testing';
import { api, JobView, login, PEOPLE_MAPPING, peopleCsv, stack, uniqueSource, upload, waitJob } from './ingestion-test.helpers';

let ingest: string;

beforeAll(async () => {
  ingest = await login('alpha-ingest'); // clearance DR, no compartment, role vigie-ingest
});

describe('ingestion API: who may upload what', () => {
  it('refuses markings above the uploader\'s clearance, naming the level or the compartment (403)', async () => {
    const data = peopleCsv(3, 9000);
    const tooHigh = await upload(ingest, 'p.csv', data, { format: 'csv', source: uniqueSource('mk'), mapping: PEOPLE_MAPPING, markings: '{"level":"S","compartments":[]}' });
    expect(tooHigh.status).toBe(403);
    expect(tooHigh.body.error).toMatchObject({ code: 'INGESTION_MARKINGS_ABOVE_CLEARANCE' });
    expect(tooHigh.body.error!.message).toMatch(/level S is above the clearance DR/);
    const compartment = await upload(ingest, 'p.csv', data, { format: 'csv', source: uniqueSource('mk'), mapping: PEOPLE_MAPPING, markings: '{"level":"DR","compartments":["op-rubis"]}' });
    expect(compartment.status).toBe(403);
    expect(compartment.body.error!.message).toMatch(/compartment op-rubis is not held/);
    const mappingDefault = await upload(ingest, 'p.csv', data, { format: 'csv', source: uniqueSource('mk'), mapping: PEOPLE_MAPPING.replace('level: NP', 'level: TS') });
    expect(mappingDefault.status).toBe(403);
    expect(mappingDefault.body.error!.message).toMatch(/level TS/);
    const ok = await upload(ingest, 'p.csv', data, { format: 'csv', source: uniqueSource('mk'), mapping: PEOPLE_MAPPING, markings: '{"level":"DR","compartments":[]}' });
    expect(ok.status).toBe(201);
    expect(ok.body.markings).toEqual({ level: 'DR', compartments: [] });
  });

  it('refuses a mapping that does not fit the ontology with 400, naming the path and the line', async () => {
    const bad = PEOPLE_MAPPING.replace('givenName: first_name', 'givenNom: first_name');
    const r = await upload(ingest, 'p.csv', peopleCsv(2), { format: 'csv', source: uniqueSource('bad'), mapping: bad });
    expect(r.status).toBe(400);
    expect(r.body.error!.code).toBe('INGESTION_INVALID_MAPPING');
    const errors = (r.body.error!.details as { errors: { path: string; line: number }[] }).errors;
    expect(errors[0].path).toMatch(/objects\.person\.properties\.givenNom/);
    expect(errors[0].line).toBe(PEOPLE_MAPPING.split('\n').findIndex((l) => l.includes('givenName')) + 1);
    const validate = await fetch(gatewayUrl('/api/v1/ingest/mappings/validate'), {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mapping: PEOPLE_MAPPING, columns: ['id', 'first_name', 'last_name', 'phone'] }),
    });
    expect(await validate.json()).toMatchObject({ ok: true, objects: [{ alias: 'person', type: 'Person' }, { alias: 'phone', type: 'Phone' }] });
  });

  it('refuses an upload without the role vigie-ingest (403) or without a token (401)', async () => {
    const analyst = await login('alpha-np');
    const r = await upload(analyst, 'p.csv', peopleCsv(2), { format: 'csv', source: uniqueSource('role'), mapping: PEOPLE_MAPPING });
    expect(r.status).toBe(403);
    const unauthenticated = await fetch(gatewayUrl('/api/v1/ingest/jobs'), { method: 'POST', body: 'x' });
    expect(unauthenticated.status).toBe(401);
  });
});

describe('ingestion API: upload forms', () => {
  it('accepts the mapping as a file part (curl -F mapping=@m.yaml) and the raw file as the body with query parameters', async () => {
    const form = new FormData();
    form.append('format', 'csv');
    form.append('source', uniqueSource('form'));
    form.append('mapping', new Blob([PEOPLE_MAPPING]), 'mapping.yaml');
    form.append('file', new Blob([new Uint8Array(peopleCsv(2, 40_000))]), 'people.csv');
    const multipart = await fetch(gatewayUrl('/api/v1/ingest/jobs'), { method: 'POST', headers: { authorization: `Bearer ${ingest}` }, body: form });
    expect(multipart.status).toBe(201);
    const query = new URLSearchParams({ format: 'csv', source: uniqueSource('raw'), fileName: 'people.csv', mapping: PEOPLE_MAPPING });
    const raw = await fetch(gatewayUrl(`/api/v1/ingest/jobs?${query}`), {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'text/csv' },
      body: new Uint8Array(peopleCsv(2, 40_100)),
    });
    expect(raw.status).toBe(201);
    const job = await waitJob(ingest, ((await raw.json()) as JobView).id);
    expect(job).toMatchObject({ status: 'completed', fileName: 'people.csv', counts: { read: 2, written: 2 } });
  });
});

describe('ingestion API: following a job', () => {
  it('streams progress as server-sent events until the end, with rate and ETA, and counts that add up', async () => {
    const created = await upload(ingest, 'sse.csv', peopleCsv(600, 20_000), { format: 'csv', source: uniqueSource('sse'), mapping: PEOPLE_MAPPING });
    expect(created.status).toBe(201);
    const res = await fetch(gatewayUrl(`/api/v1/ingest/jobs/${created.body.id}/events`), { headers: { authorization: `Bearer ${ingest}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    // Read the stream as it comes; while it is open the gateway subscribes to the pushed progress
    // events (ingestion.v1.events.job.progressed, allowed by config/nats/permissions.json).
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let subscribed: boolean | undefined;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
      if (subscribed === undefined && text.includes('event: progress')) {
        const connz = (await (await fetch(`${stack['NATS_MONITOR_URL']}/connz?subs=1&limit=1000`)).json()) as { connections: { subscriptions_list?: string[] }[] };
        subscribed = connz.connections.some((c) => (c.subscriptions_list ?? []).includes('ingestion.v1.events.job.progressed'));
      }
    }
    expect(subscribed).toBe(true);
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) as Record<string, unknown> }));
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0].data).toHaveProperty('rate');
    expect(progress[0].data).toHaveProperty('etaSeconds');
    const end = events.find((e) => e.event === 'end')!.data as unknown as JobView;
    expect(end.status).toBe('completed');
    expect(end.counts).toMatchObject({ read: 600, written: 600, quarantined: 0 });
    expect(end.progress.bytesRead).toBe(end.progress.bytesTotal);
    const got = await api<JobView>(`/ingest/jobs/${created.body.id}`, ingest);
    expect(got.body.progress.etaSeconds).toBe(0);
    expect(got.body.progress.rate).toBeGreaterThan(0);
    const list = await api<{ items: JobView[] }>(`/ingest/jobs?limit=5`, ingest);
    expect(list.body.items.map((j) => j.id)).toContain(created.body.id);
  });

  it('cancels a running job; cancelling it again is a conflict', async () => {
    const created = await upload(ingest, 'cancel.csv', peopleCsv(600, 100_000), { format: 'csv', source: uniqueSource('cancel'), mapping: PEOPLE_MAPPING });
    expect(created.status).toBe(201);
    await waitJob(ingest, created.body.id, 60_000, (j) => j.status === 'running' || j.status === 'completed');
    const cancel = await api<JobView>(`/ingest/jobs/${created.body.id}/cancel`, ingest, { method: 'POST' });
    if (cancel.status === 200) {
      expect(cancel.body.status).toBe('cancelled');
      const again = await api<{ error: { code: string } }>(`/ingest/jobs/${created.body.id}/cancel`, ingest, { method: 'POST' });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('INGESTION_JOB_STATE_CONFLICT');
      const later = await waitJob(ingest, created.body.id, 10_000);
      expect(later.status).toBe('cancelled');
      expect(later.counts.read).toBeLessThanOrEqual(600);
    } else {
      // the job was faster than the cancel: then it is a conflict
      expect(cancel.status).toBe(409);
    }
  });

  it('downloads the quarantine as CSV', async () => {
    const created = await upload(ingest, 'q.csv', Buffer.from('id,first_name,last_name,phone\n1,A,"B, ""b""",+33612346001\n2,short\n'), {
      format: 'csv',
      source: uniqueSource('q'),
      mapping: PEOPLE_MAPPING,
    });
    const job = await waitJob(ingest, created.body.id);
    expect(job.counts).toMatchObject({ read: 2, written: 1, quarantined: 1 });
    const res = await fetch(gatewayUrl(`/api/v1/ingest/jobs/${job.id}/quarantine?format=csv`), { headers: { authorization: `Bearer ${ingest}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await res.text()).toBe('index,line,offset,code,reason,raw\r\n1,3,58,COLUMN_COUNT,"record on line 3 has 2 fields, the header has 4","2,short"\r\n');
  });
});
