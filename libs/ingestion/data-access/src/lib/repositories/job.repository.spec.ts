import { JobRecord, storableText, toJobView } from './job.repository';

const job: JobRecord = {
  id: '00000000-0000-4000-8000-000000000001',
  tenant: 'alpha',
  source: 'registry',
  fileName: 'people.csv',
  objectName: 'alpha/x',
  objectSize: 1234,
  sha256: 'ab'.repeat(32),
  format: 'csv',
  status: 'running',
  mapping: 'version: 1',
  mappingId: null,
  markings: { level: 'DR', compartments: ['cyber'] },
  clearance: { level: 'S', compartments: ['cyber'] },
  options: {},
  detected: { delimiter: ';' },
  counts: { read: 10, valid: 8, parseQuarantined: 2, ontologyQuarantined: 1, written: 7, merged: 3 },
  position: { index: 9, offset: 1000, line: 11 },
  nextSeq: 2,
  readerDone: true,
  error: null,
  owner: 'host:1',
  createdBy: 'user-id',
  createdByName: 'alpha-ingest',
  createdAt: '2026-11-28T12:00:00.000Z',
  startedAt: '2026-11-28T12:00:01.000Z',
  finishedAt: null,
};

describe('job repository helpers', () => {
  it('show a job in the contract\'s terms: quarantined = parser/mapping + ontology refusals, size and checksum in detected', () => {
    const view = toJobView(job);
    expect(view.counts).toEqual({ read: 10, valid: 8, quarantined: 3, written: 7, merged: 3 });
    expect(view.counts.read).toBe(view.counts.written + view.counts.quarantined);
    expect(view.detected).toEqual({ delimiter: ';', bytesTotal: 1234, sha256: 'ab'.repeat(32) });
    expect(view.createdBy).toBe('alpha-ingest');
    expect(view).not.toHaveProperty('tenant');
    expect(view).not.toHaveProperty('mapping');
  });

  it('make text storable in PostgreSQL: NUL characters replaced, length bounded', () => {
    expect(storableText('a\u0000b', 100)).toBe('a\uFFFDb');
    expect(storableText('abcdef', 3)).toBe('abc…');
    expect(storableText('plain', 10)).toBe('plain');
  });
});
