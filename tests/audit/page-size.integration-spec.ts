import { QUERY_PAGE_MAX_BYTES } from '@vigie/audit-feature';
import { inProcessAudit, newTenant, sampleEvent } from './audit-test.helpers';

// Records of large ingests name up to 1,000 resources each: a page of them must still fit in one
// NATS message (1 MiB), so a query page also stops by size and its cursor continues from there.
describe('audit query pages bounded by size', () => {
  const audit = inProcessAudit({ everyRecords: 1000, everySeconds: 3600 });
  const tenant = newTenant('size');
  const big = (i: number) =>
    sampleEvent(tenant, i, { action: 'object.ingest', resources: Array.from({ length: 1000 }, (_, k) => ({ type: 'object', id: `0b5c3e9e-0d8a-4b8e-9a51-${String(i * 1000 + k).padStart(12, '0')}` })) });

  beforeAll(async () => {
    await audit.writer.appendBatch(Array.from({ length: 40 }, (_, i) => big(i + 1)));
  }, 60_000);
  afterAll(async () => {
    await audit.store.close();
  });

  it('returns fewer records than asked when they would not fit, and the cursor reaches every record once', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await audit.reader.query(tenant, { filter: {}, order: 'asc', limit: 500, ...(cursor ? { cursor } : {}) });
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(QUERY_PAGE_MAX_BYTES + 100 * 1024);
      expect(page.records.length).toBeGreaterThan(0);
      seen.push(...page.records.map((r) => r.seq));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  }, 60_000);
});
