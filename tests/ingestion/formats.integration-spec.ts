import { NatsConnection } from 'nats';
import {
  connectSetup,
  expectBalanced,
  login,
  PEOPLE_MAPPING,
  peopleCsv,
  processedEvents,
  quarantine,
  uniqueSource,
  upload,
  waitJob,
} from './ingestion-test.helpers';

let token: string;
let nc: NatsConnection;

beforeAll(async () => {
  token = await login('alpha-ingest');
  nc = await connectSetup();
});

afterAll(async () => {
  await nc?.drain();
});

async function ingest(fileName: string, data: Buffer, format: string, extra: { mapping?: string; source?: string; options?: string } = {}) {
  const source = extra.source ?? uniqueSource(format);
  const created = await upload(token, fileName, data, { format, source, ...(format === 'stix' ? {} : { mapping: extra.mapping ?? PEOPLE_MAPPING }), ...(extra.options ? { options: extra.options } : {}) });
  expect(created.status).toBe(201);
  expect(created.body.detected?.['bytesTotal']).toBe(data.length);
  const job = await waitJob(token, created.body.id);
  return { job, source };
}

describe('CSV through the running service', () => {
  it('writes the valid rows of a hostile file and quarantines the others with line and reason (Windows-1252, unbalanced quote, short row)', async () => {
    const lines = [
      'id;first_name;last_name;phone',
      '1;Jos\xe9;Garc\xeda;+33612340001',
      '2;"Anne ""la"" Grande";Dupont;+33612340002',
      '3;Broken;Row',
      '5;Marie;"Multi\nLine";+33612340005',
      '6;Paul;Martin;+33612340006',
      '4;"Unbalanced;Quote;+33612340004',
      '7;Eve;Durand;+33612340007',
    ];
    const data = Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
    const { job } = await ingest('hostile.csv', data, 'csv');
    expect(job.status).toBe('completed');
    expect(job.detected).toMatchObject({ encoding: 'windows-1252', delimiter: ';', lineEnding: 'crlf' });
    expect(job.counts).toMatchObject({ read: 7, valid: 5, quarantined: 2, written: 5 });
    expectBalanced(job);
    const q = await quarantine(token, job.id);
    expect(q.map((r) => [r.line, r.code])).toEqual([
      [4, 'COLUMN_COUNT'],
      [8, 'UNBALANCED_QUOTE'],
    ]);
    expect(q[0].raw).toBe('3;Broken;Row');
    expect(q[0].reason).toMatch(/3 fields/);
  });

  it('quarantines the record holding a field above 10 MB and keeps the rows around it', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024 + 10);
    const data = Buffer.from(`id,first_name,last_name,phone\n1,Ana,Lopes,+33612341001\n2,${big},Big,+33612341002\n3,Rui,Costa,+33612341003\n`);
    const { job } = await ingest('big-field.csv', data, 'csv');
    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ read: 3, written: 2, quarantined: 1 });
    const q = await quarantine(token, job.id);
    expect(q).toEqual([expect.objectContaining({ index: 1, line: 3, code: 'FIELD_TOO_LARGE' })]);
    expect(q[0].raw.length).toBeLessThanOrEqual(16 * 1024 + 1);
  });

  it('fails an empty file and a binary file (NUL bytes) with a clear reason', async () => {
    const empty = await ingest('empty.csv', Buffer.alloc(0), 'csv');
    expect(empty.job.status).toBe('failed');
    expect(empty.job.error).toMatchObject({ code: 'INGESTION_UNREADABLE_FILE' });
    expect(empty.job.error!.message).toMatch(/EMPTY_FILE/);
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 131) % 256;
    const bin = await ingest('random.csv', binary, 'csv');
    expect(bin.job.status).toBe('failed');
    expect(bin.job.error!.message).toMatch(/BINARY_FILE|binary/i);
    expect(bin.job.counts.written).toBe(0);
  });

  it('refuses a job whose mapping reads a column the file does not have, naming it', async () => {
    const { job } = await ingest('columns.csv', Buffer.from('id,first,last,tel\n1,A,B,+33612342001\n'), 'csv');
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'INGESTION_INVALID_MAPPING' });
    expect(job.error!.message).toMatch(/"first_name"/);
  });

  it('re-ingesting the same file changes nothing in the ontology', async () => {
    const source = uniqueSource('again');
    const data = peopleCsv(50, 5000);
    const since = new Date();
    const first = await ingest('again.csv', data, 'csv', { source });
    const second = await ingest('again.csv', data, 'csv', { source });
    for (const j of [first.job, second.job]) {
      expect(j.status).toBe('completed');
      expect(j.counts).toMatchObject({ read: 50, written: 50, quarantined: 0 });
    }
    const firstEvents = await processedEvents(nc, first.job.id, since);
    const secondEvents = await processedEvents(nc, second.job.id, since);
    const sum = (events: typeof firstEvents, k: 'created' | 'updated' | 'unchanged') => events.reduce((n, e) => n + e.objects[k] + e.links[k], 0);
    expect(sum(firstEvents, 'created')).toBe(150);
    expect(sum(secondEvents, 'created')).toBe(0);
    expect(sum(secondEvents, 'updated')).toBe(0);
    expect(sum(secondEvents, 'unchanged')).toBe(150);
  });
});

describe('JSON and NDJSON through the running service', () => {
  it('JSON array: an invalid element mid-stream and a deeply nested one are quarantined, the rest written', async () => {
    const nested = `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`;
    const text = [
      '[',
      '  {"id": 1, "first_name": "Ines", "last_name": "Silva", "phone": "+33612343001"},',
      '  {"id": 2, "first_name": "Bad", "last_name": tru},',
      `  {"id": 3, "first_name": "Deep", "last_name": "Nest", "phone": "+33612343003", "x": ${nested}},`,
      '  {"id": 4, "first_name": "Ugo", "last_name": "Neri", "phone": "+33612343004"}',
      ']',
    ].join('\n');
    const { job } = await ingest('people.json', Buffer.from(text), 'json');
    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ read: 4, written: 2, quarantined: 2 });
    const q = await quarantine(token, job.id);
    expect(q.map((r) => r.code).sort()).toEqual(['INVALID_JSON', 'TOO_DEEP']);
    expect(q.find((r) => r.code === 'INVALID_JSON')).toMatchObject({ line: 3 });
  });

  it('JSON cut short: the cut element is quarantined naming the end of file, the complete ones before it are written', async () => {
    const text = '[{"id": 1, "first_name": "A", "last_name": "B", "phone": "+33612344001"},\n {"id": 2, "first_name": "C", "last_n';
    const { job } = await ingest('cut.json', Buffer.from(text), 'json');
    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ read: 2, written: 1, quarantined: 1 });
    const q = await quarantine(token, job.id);
    expect(q).toEqual([expect.objectContaining({ line: 2, code: 'INVALID_JSON' })]);
    expect(q[0].reason).toMatch(/end of file/);
  });

  it('NDJSON: invalid lines and binary garbage are quarantined by line, valid lines written', async () => {
    const lines = [
      '{"id": 1, "first_name": "Lea", "last_name": "Roux", "phone": "+33612345001"}',
      '{"id": 2, "first_name": oops}',
      Buffer.from([0xff, 0xfe, 0x9c, 0x80, 0x7b]).toString('latin1'),
      '{"id": 4, "first_name": "Tom", "last_name": "Blanc", "phone": "+33612345004"}',
    ];
    const { job } = await ingest('people.ndjson', Buffer.from(lines.join('\n'), 'latin1'), 'ndjson');
    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ read: 4, written: 2, quarantined: 2 });
    expectBalanced(job);
    const q = await quarantine(token, job.id);
    expect(q.map((r) => r.line)).toEqual([2, 3]);
  });
});

describe('STIX 2.1 through the running service', () => {
  it('maps known objects, quarantines unknown and malformed ones with their reason', async () => {
    const id = (t: string, n: number) => `${t}--${String(n).padStart(8, '0')}-0000-4000-8000-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
    const bundle = {
      type: 'bundle',
      id: id('bundle', 1),
      objects: [
        { type: 'identity', spec_version: '2.1', id: id('identity', 2), created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', name: 'Jean Stix', identity_class: 'individual' },
        { type: 'x-custom-thing', spec_version: '2.1', id: id('x-custom-thing', 3), name: 'custom' },
        { type: 'identity', spec_version: '2.1', id: id('malware', 4), name: 'id names another type' },
        { type: 'ipv4-addr', spec_version: '2.1', id: id('ipv4-addr', 5), value: '198.51.100.7' },
      ],
    };
    const { job } = await ingest('bundle.json', Buffer.from(JSON.stringify(bundle, null, 2)), 'stix');
    expect(job.status).toBe('completed');
    expect(job.counts.read).toBe(4);
    expectBalanced(job);
    expect(job.counts.written).toBe(2);
    const q = await quarantine(token, job.id);
    expect(q.map((r) => r.code).sort()).toEqual(['MALFORMED_STIX', 'UNKNOWN_STIX_TYPE']);
  });

  it('fails a JSON file that is not a STIX bundle', async () => {
    const { job } = await ingest('not-stix.json', Buffer.from('{"type": "report", "objects": []}'), 'stix');
    expect(job.status).toBe('failed');
    expect(job.error!.message).toMatch(/NOT_STIX_BUNDLE|not a STIX bundle/);
  });
});
