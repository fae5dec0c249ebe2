import { ApiClient } from '../api-client';
import { AuditClient, AuditRecord, auditQueryParams, EMPTY_AUDIT_QUERY, seqCursor, seqRange, VerifyReport, verifyRows } from './audit-client';

const record = (seq: number): AuditRecord => ({
  tenant: 'alpha',
  seq,
  eventId: `e${seq}`,
  recordedAt: '2026-01-01T00:00:00.000Z',
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  event: { id: `e${seq}`, time: '2026-01-01T00:00:00.000Z', tenant: 'alpha', actor: { sub: 's', roles: [], kind: 'user' }, action: 'object.read', resources: [], purpose: null, outcome: 'success', traceId: 'a'.repeat(32), service: 'ontology', details: {} },
});

const report = (over: Partial<VerifyReport>): VerifyReport => ({ ok: true, tenant: 'alpha', start: 'genesis', anchorSeq: null, firstSeq: 1, lastSeq: 5, recordsChecked: 5, coveredUpTo: 3, unsignedTail: 2, checkpoints: [], ...over });

describe('audit query form', () => {
  it('builds the query string from the filled fields only', () => {
    const result = auditQueryParams({ ...EMPTY_AUDIT_QUERY, actor: ' alpha-ts ', action: 'object.*', outcome: 'denied', withPurpose: 'true', resourceId: 'x1', resourceType: 'object' }, 'CUR', 20);
    expect(result.problems).toEqual([]);
    expect(Object.fromEntries(result.params ?? [])).toEqual({ actor: 'alpha-ts', action: 'object.*', outcome: 'denied', withPurpose: 'true', resourceId: 'x1', resourceType: 'object', limit: '20', cursor: 'CUR' });
  });

  it('turns local date-times into ISO instants and refuses a window that ends before it starts', () => {
    const ok = auditQueryParams({ ...EMPTY_AUDIT_QUERY, from: '2026-01-01T10:00', to: '2026-01-02T10:00' });
    expect(ok.params?.get('from')).toBe(new Date('2026-01-01T10:00').toISOString());
    const bad = auditQueryParams({ ...EMPTY_AUDIT_QUERY, from: '2026-01-02T10:00', to: '2026-01-01T10:00' });
    expect(bad.problems).toEqual([{ field: 'from', key: 'audit.error.order' }]);
  });

  it('names the field of a malformed action, a type without an id and a bad date', () => {
    const bad = auditQueryParams({ ...EMPTY_AUDIT_QUERY, action: 'Object Read', resourceType: 'object', to: 'not a date' });
    expect(bad.problems.map((p) => p.field).sort()).toEqual(['action', 'resourceType', 'to']);
  });

  it('checks seq ranges', () => {
    expect(seqRange('3', '')).toEqual({ range: { fromSeq: 3 }, problems: [] });
    expect(seqRange('', '')).toEqual({ range: {}, problems: [] });
    expect(seqRange('0', 'x').problems.map((p) => p.field)).toEqual(['fromSeq', 'toSeq']);
    expect(seqRange('9', '2').problems).toEqual([{ field: 'fromSeq', key: 'audit.error.seqOrder' }]);
  });

  it('encodes the keyset cursor as the audit contract does', () => {
    expect(seqCursor(4)).toBe(Buffer.from('{"v":1,"seq":4}').toString('base64url'));
  });
});

describe('verification record by record', () => {
  it('marks checked records verified, signed up to the covered checkpoint', () => {
    const rows = verifyRows([1, 2, 3, 4, 5].map(record), report({}));
    expect(rows.map((r) => (r.verdict.status === 'verified' ? `${r.seq}:${r.verdict.signed ? 'signed' : 'tail'}` : `${r.seq}:${r.verdict.status}`))).toEqual(['1:signed', '2:signed', '3:signed', '4:tail', '5:tail']);
  });

  it('names the first altered record and leaves the rest unchecked', () => {
    const problem = { kind: 'altered' as const, seq: 3, message: 'hash mismatch' };
    const rows = verifyRows([1, 2, 3, 4].map(record), report({ ok: false, lastSeq: 2, firstProblem: problem }));
    expect(rows.map((r) => r.verdict.status)).toEqual(['verified', 'verified', 'problem', 'unchecked']);
  });

  it('adds a row for a removed record that is not on screen', () => {
    const problem = { kind: 'removed' as const, seq: 3, message: 'record 3 is missing' };
    const rows = verifyRows([1, 2, 4].map(record), report({ ok: false, lastSeq: 2, firstProblem: problem }));
    expect(rows.map((r) => [r.seq, r.record === null, r.verdict.status])).toEqual([
      [1, false, 'verified'],
      [2, false, 'verified'],
      [3, true, 'problem'],
      [4, false, 'unchecked'],
    ]);
  });

  it('marks a whole reordered range', () => {
    const problem = { kind: 'reordered' as const, seq: 2, range: { fromSeq: 2, toSeq: 3 }, message: 'swapped' };
    const rows = verifyRows([1, 2, 3, 4].map(record), report({ ok: false, lastSeq: 1, firstProblem: problem }));
    expect(rows.map((r) => r.verdict.status)).toEqual(['verified', 'problem', 'problem', 'unchecked']);
  });
});

describe('AuditClient', () => {
  function client(answer: (url: string) => Response) {
    const urls: string[] = [];
    const api = new ApiClient({ fetch: (async (url: string) => (urls.push(url), answer(url))) as unknown as typeof fetch, accessToken: async () => 't', purpose: () => ({ caseRef: 'C1', justification: 'j' }) });
    return { audit: new AuditClient(api), urls };
  }

  it('starts a range at its first seq and cuts it at its last', async () => {
    const { audit, urls } = client(() => new Response(JSON.stringify({ records: [5, 6, 7].map(record), nextCursor: 'n' })));
    const page = await audit.range({ fromSeq: 5, toSeq: 6 }, 10);
    expect(urls[0]).toBe(`/api/v1/audit/records?order=asc&limit=10&cursor=${seqCursor(4)}`);
    expect(page.records.map((r) => r.seq)).toEqual([5, 6]);
    expect(page.nextCursor).toBeNull();
  });

  it('follows the cursor when the service answers a short page (pages also stop by size)', async () => {
    const pages = [{ records: [1, 2].map(record), nextCursor: seqCursor(2) }, { records: [3, 4].map(record), nextCursor: seqCursor(4) }];
    const { audit, urls } = client(() => new Response(JSON.stringify(pages.shift())));
    const page = await audit.range({}, 4);
    expect(page.records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(urls).toEqual(['/api/v1/audit/records?order=asc&limit=4', `/api/v1/audit/records?order=asc&limit=2&cursor=${seqCursor(2)}`]);
    expect(page.nextCursor).toBe(seqCursor(4));
  });

  it('exports with the file name the gateway gives', async () => {
    const { audit, urls } = client(() => new Response('{"a":1}\n', { headers: { 'content-disposition': 'attachment; filename="audit-alpha-1-9.ndjson"' } }));
    const file = await audit.export({ fromSeq: 1, toSeq: 9 });
    expect(urls[0]).toBe('/api/v1/audit/export?fromSeq=1&toSeq=9');
    expect(file.fileName).toBe('audit-alpha-1-9.ndjson');
    expect(await file.blob.text()).toBe('{"a":1}\n');
  });
});
