import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { PropertyFilter } from '@vigie/ontology-contracts';
import { LIST_SCAN_LIMIT, ObjectListQuery, ObjectRepository, OntologyDatabase, ReaderScope } from '@vigie/ontology-data-access';
import { dropTenant, expectedPeople, filterCases, objectRowsRead, openOntologyDatabase, RecordedStatement, recording, SeededPerson, seedPeople } from './object-seed.helpers';

/**
 * A count with property filters reads a BOUNDED number of objects (ObjectRepository.count, the
 * listing's scan budget): on a private tenant seeded with SQL (3,000 people), below the bound every
 * filter operator counts exactly what the reference expects (`exact: true`); above it the count is
 * the matches among the first `scanLimit` people the reader may see (`exact: false`, "at least"),
 * hidden objects never take part (markings inside the scan) nor hidden properties match; without
 * property filters the count stays exact whatever the bound. The tenant is removed afterwards.
 */
const N = 3_000;
const SCAN = 700;
const tenant = `count-${randomBytes(4).toString('hex')}`;
const repo = new ObjectRepository();

let orm: MikroORM;
let db: OntologyDatabase;

const np: ReaderScope = { tenant, clearance: 'NP', compartments: [] };
const ts: ReaderScope = { tenant, clearance: 'TS', compartments: [] };
const other: ReaderScope = { tenant: `${tenant}-other`, clearance: 'TS', compartments: [] };

const count = (scope: ReaderScope, filters: PropertyFilter[], scanLimit?: number, extra: Partial<ObjectListQuery> = {}) =>
  db.transaction((sql) => repo.count(sql, scope, { type: 'Person', filters, includeDeleted: false, ...(scanLimit ? { scanLimit } : {}), ...extra }));

/** The reference of a bounded count: matches among the first `scanLimit` people `scope` may see. */
function expectedWithin(scope: ReaderScope, keep: (p: SeededPerson) => boolean, scanLimit: number): number {
  const window = new Set(expectedPeople(N, scope, () => true).slice(0, scanLimit));
  return expectedPeople(N, scope, keep).filter((k) => window.has(k)).length;
}

beforeAll(async () => {
  ({ orm, db } = await openOntologyDatabase());
  await seedPeople(db, tenant, N, 'count-bound-spec');
});

afterAll(async () => {
  await dropTenant(db, tenant);
  await orm?.close(true);
});

describe(`object count, bounded scan (tenant ${tenant}, ${N} people)`, () => {
  it.each(filterCases(tenant))('%s: exact below the bound, "at least" the matches of the first window above it', async (_name, scope, filters, keep) => {
    expect(await count(scope, filters)).toEqual({ count: expectedPeople(N, scope, keep).length, exact: true }); // 3,000 < the default bound
    expect(await count(scope, filters, SCAN)).toEqual({ count: expectedWithin(scope, keep, SCAN), exact: false });
  });

  it('is exact when the bound is exactly the number of people the reader may see, "at least" one below it', async () => {
    const all: PropertyFilter[] = [{ property: 'tags', op: 'eq', value: 'all' }];
    const visible = expectedPeople(N, np, () => true).length; // 2,940: every 50th person is S
    expect(visible).toBe(2_940);
    expect(await count(np, all, visible)).toEqual({ count: visible, exact: true });
    expect(await count(np, all, visible - 1)).toEqual({ count: visible - 1, exact: false });
  });

  it('never counts hidden objects: those marked above the reader neither match nor use up the bound', async () => {
    const all: PropertyFilter[] = [{ property: 'tags', op: 'eq', value: 'all' }];
    expect(await count(np, all)).toEqual({ count: 2_940, exact: true });
    expect(await count(ts, all)).toEqual({ count: 3_000, exact: true });
    // The first 700 people an NP reader may see: 700 of them match (the 14 S people among the first 714 are skipped, not counted).
    expect(await count(np, all, SCAN)).toEqual({ count: SCAN, exact: false });
    expect(await count(np, [{ property: 'secretName', op: 'exists', value: true }])).toEqual({ count: 0, exact: true });
    expect(await count(other, all)).toEqual({ count: 0, exact: true });
  });

  it('without property filters the count is exact whatever the bound, narrowed by updatedSince as a listing is', async () => {
    expect(await count(np, [], SCAN)).toEqual({ count: 2_940, exact: true });
    expect(await count(ts, [], 1)).toEqual({ count: 3_000, exact: true });
    // Person i was updated at 2026-01-01T00:00:00Z + i s: since +2,001 s leaves people 2,001…3,000, 20 of them S.
    expect(await count(np, [], undefined, { updatedSince: '2026-01-01T00:33:21.000Z' })).toEqual({ count: 980, exact: true });
    // Person 2,500 (marked S) is in the first 700 people a TS reader sees from 2,001 on; never for NP.
    expect(await count(ts, [{ property: 'fullName', op: 'eq', value: 'Rare Needle' }], SCAN, { updatedSince: '2026-01-01T00:33:21.000Z' })).toEqual({ count: 1, exact: false });
    expect(await count(np, [{ property: 'fullName', op: 'eq', value: 'Rare Needle' }], undefined, { updatedSince: '2026-01-01T00:33:21.000Z' })).toEqual({ count: 0, exact: true });
  });

  it('a filtered count reads at most the bound (+2) from the table (EXPLAIN ANALYZE); the default bound is the listing budget', async () => {
    const statements: RecordedStatement[] = [];
    await db.transaction((sql) => repo.count(recording(sql, statements), ts, { type: 'Person', filters: [{ property: 'fullName', op: 'eq', value: 'Nobody' }], includeDeleted: false, scanLimit: SCAN }));
    const read = await objectRowsRead(db, statements);
    expect(read).toBeGreaterThanOrEqual(SCAN);
    expect(read).toBeLessThanOrEqual(SCAN + 2); // the row past the bound, and the window function's one ahead
    expect(statements.map((s) => s.text.split(/\s/)[0])).toEqual(['SET', 'SELECT']); // SET LOCAL enable_sort = off: the scan follows the index
    expect(LIST_SCAN_LIMIT).toBe(20_000);
  });

  it('refuses a bound that is not a positive integer', async () => {
    await expect(count(ts, [{ property: 'age', op: 'gt', value: 1 }], 0.5)).rejects.toThrow('scanLimit must be a positive integer, got 0.5');
  });
});
