import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { PropertyFilter } from '@vigie/ontology-contracts';
import { LIST_SCAN_LIMIT, ListedObjectRow, listScanLimit, ObjectListQuery, ObjectRepository, OntologyDatabase, ReaderScope } from '@vigie/ontology-data-access';
import { dropTenant, expectedPeople, filterCases, objectRowsRead, openOntologyDatabase, RecordedStatement, recording, SeededPerson, seedPeople } from './object-seed.helpers';

/**
 * The object listing reads a BOUNDED number of objects per statement (ObjectRepository.list):
 * on a private tenant seeded set-based with SQL (3,000 people, their values computed from their
 * number), every filter operator answers exactly the objects a reference computed here expects —
 * the same with the default bound in one go and with a small bound across partial pages — and the
 * statement's plan shows that no more than the bound was read from the table for a filter that
 * matches nothing. The tenant is removed afterwards.
 */
const N = 3_000;
const SCAN = 700;
const tenant = `scan-${randomBytes(4).toString('hex')}`;
const repo = new ObjectRepository();

let orm: MikroORM;
let db: OntologyDatabase;

const np: ReaderScope = { tenant, clearance: 'NP', compartments: [] };
const ts: ReaderScope = { tenant, clearance: 'TS', compartments: [] };

/** Every page of a listing, following the cursor; the number of statements and of partial pages. */
async function listAll(scope: ReaderScope, filters: PropertyFilter[], scanLimit?: number, limit = 100): Promise<{ keys: string[]; pages: number; partial: number }> {
  const keys: string[] = [];
  let after: ObjectListQuery['after'];
  let pages = 0;
  let partial = 0;
  for (;;) {
    const { rows, scanEnd } = await db.read((sql) => repo.list(sql, scope, { type: 'Person', filters, includeDeleted: false, after, limit, ...(scanLimit ? { scanLimit } : {}) }));
    pages += 1;
    if (pages > 100) throw new Error('the listing does not end');
    const page = rows.slice(0, limit);
    keys.push(...page.map((r: ListedObjectRow) => r.source_key ?? ''));
    if (scanEnd) partial += 1;
    const last = page[page.length - 1];
    after = rows.length > limit && last ? { key: last.cursor_key, id: last.id } : scanEnd;
    if (!after) return { keys, pages, partial };
  }
}

/** The reference: the people `scope` may see that satisfy `keep`, in list order (their number). */
const expected = (scope: ReaderScope, keep: (p: SeededPerson) => boolean): string[] => expectedPeople(N, scope, keep);

const cases = filterCases(tenant);

beforeAll(async () => {
  ({ orm, db } = await openOntologyDatabase());
  await seedPeople(db, tenant, N);
});

afterAll(async () => {
  await dropTenant(db, tenant);
  await orm?.close(true);
});

describe(`object listing, bounded scan (tenant ${tenant}, ${N} people)`, () => {
  it.each(cases)('%s: exactly the expected objects, in order, with the default bound and across partial pages of a small one', async (_name, scope, filters, keep) => {
    const want = expected(scope, keep);
    const whole = await listAll(scope, filters, undefined, 500);
    expect(whole.keys).toEqual(want);
    expect(whole.partial).toBe(0); // 3,000 < LIST_SCAN_LIMIT: never partial
    const bounded = await listAll(scope, filters, SCAN);
    expect(bounded.keys).toEqual(want);
    // With at most a page of matches, every full window of SCAN visible people ends in a partial page.
    if (want.length <= 100) expect(bounded.partial).toBe(Math.floor(expected(scope, () => true).length / SCAN));
  });

  it('a rare match: partial pages, each holding what its window held, the cursor continuing after the last object read', async () => {
    const rare: PropertyFilter[] = [{ property: 'fullName', op: 'eq', value: 'Rare Needle' }];
    const pages: { keys: string[]; scanEnd?: string }[] = [];
    let after: ObjectListQuery['after'];
    do {
      const { rows, scanEnd } = await db.read((sql) => repo.list(sql, ts, { type: 'Person', filters: rare, includeDeleted: false, after, limit: 10, scanLimit: 1_000 }));
      pages.push({ keys: rows.map((r) => r.source_key ?? ''), ...(scanEnd ? { scanEnd: (scanEnd.key ?? '').slice(11, 19) } : {}) });
      after = scanEnd;
    } while (after);
    // Windows of 1,000 people each (TS sees all 3,000); the fourth read finds nothing more and ends.
    expect(pages).toEqual([
      { keys: [], scanEnd: '00:16:40' },
      { keys: [], scanEnd: '00:33:20' },
      { keys: ['s2500'], scanEnd: '00:50:00' },
      { keys: [] },
    ]);
  });

  it('the default bound is a budget shared by the filters: 20,000 objects with none or one filter, 1,000 with twenty', async () => {
    expect([0, 1, 2, 3, 20].map(listScanLimit)).toEqual([LIST_SCAN_LIMIT, 20_000, 10_000, 6_666, 1_000]);
    // Twenty filters (the most a request may send) on the 3,000 people a TS reader sees: three full windows of 1,000 (partial), then the end.
    const twenty: PropertyFilter[] = Array.from({ length: 20 }, (_, k) => ({ property: 'fullName', op: 'neq', value: `Nobody ${k}` }));
    twenty[19] = { property: 'fullName', op: 'eq', value: 'Rare Needle' };
    const all = await listAll(ts, twenty);
    expect(all).toEqual({ keys: ['s2500'], pages: 4, partial: 3 });
  });

  it('a frequent match fills the page without reaching the bound (not partial)', async () => {
    const { rows, scanEnd } = await db.read((sql) => repo.list(sql, np, { type: 'Person', filters: [{ property: 'tags', op: 'eq', value: 'all' }], includeDeleted: false, limit: 50, scanLimit: SCAN }));
    expect(rows.map((r) => r.source_key)).toEqual(expected(np, () => true).slice(0, 51));
    expect(scanEnd).toBeUndefined();
  });

  it('the statement reads at most the bound from the table (EXPLAIN ANALYZE)', async () => {
    const statements: RecordedStatement[] = [];
    const none: ObjectListQuery = { type: 'Person', filters: [{ property: 'fullName', op: 'eq', value: 'Nobody' }], includeDeleted: false, limit: 50, scanLimit: SCAN };
    await db.read((sql) => repo.list(recording(sql, statements), ts, none));
    const listed = await objectRowsRead(db, statements);
    expect(listed).toBeGreaterThanOrEqual(SCAN);
    expect(listed).toBeLessThanOrEqual(SCAN + 1); // the window function reads one row ahead
    expect(LIST_SCAN_LIMIT).toBeGreaterThan(SCAN);
  });
});
