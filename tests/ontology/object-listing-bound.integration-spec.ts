import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { PropertyFilter } from '@vigie/ontology-contracts';
import { LIST_SCAN_LIMIT, ListedObjectRow, listScanLimit, ObjectListQuery, ObjectRepository, ONTOLOGY_ENTITIES, ONTOLOGY_MIGRATIONS, OntologyDatabase, ReaderScope, Sql } from '@vigie/ontology-data-access';
import { mikroOrmOptions } from '@vigie/shared-persistence';
import { stack } from './ontology-test.helpers';

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
const dr: ReaderScope = { tenant, clearance: 'DR', compartments: [] };
const ts: ReaderScope = { tenant, clearance: 'TS', compartments: [] };

/** What the SQL seed stores for person `i` (1…N), for the reference. */
const person = (i: number) => ({
  fullName: i === 2_500 ? 'Rare Needle' : `Person ${i}`,
  age: i % 90,
  birthDate: new Date(Date.UTC(1950, 0, 1 + i)).toISOString().slice(0, 10),
  tags: [`t${i % 7}`, 'all'],
  nickname: i % 10 === 0 ? `Nick ${i}` : undefined,
  secretName: i % 3 === 0 ? 'Hidden' : undefined, // marked DR
  location: { lat: 48 + (i % 100) / 100, lon: 2 },
  levelRank: i % 50 === 0 ? 2 : 0, // S: invisible to NP and DR
});

async function seed(): Promise<void> {
  await db.read((sql) =>
    sql.query(
      `INSERT INTO object (id, tenant, type, source, source_key, version, level_rank, compartments, properties, provenance, content_hash, created_at, updated_at)
       SELECT gen_random_uuid(), ?, CASE WHEN i <= ? THEN 'Person' ELSE 'Phone' END, 'listing-bound-spec', 's' || i, 1,
              CASE WHEN i % 50 = 0 THEN 2 ELSE 0 END, '{}',
              jsonb_build_object(
                'fullName', jsonb_build_object('value', CASE WHEN i = 2500 THEN 'Rare Needle' ELSE 'Person ' || i END, 'marking', m.np, 'provenance', '{}'::jsonb),
                'age', jsonb_build_object('value', i % 90, 'marking', m.np, 'provenance', '{}'::jsonb),
                'birthDate', jsonb_build_object('value', to_char(date '1950-01-01' + i, 'YYYY-MM-DD'), 'marking', m.np, 'provenance', '{}'::jsonb),
                'tags', jsonb_build_object('value', jsonb_build_array('t' || (i % 7), 'all'), 'marking', m.np, 'provenance', '{}'::jsonb),
                'location', jsonb_build_object('value', jsonb_build_object('lat', 48 + (i % 100) / 100.0, 'lon', 2), 'marking', m.np, 'provenance', '{}'::jsonb))
              || CASE WHEN i % 10 = 0 THEN jsonb_build_object('nickname', jsonb_build_object('value', 'Nick ' || i, 'marking', m.np, 'provenance', '{}'::jsonb)) ELSE '{}'::jsonb END
              || CASE WHEN i % 3 = 0 THEN jsonb_build_object('secretName', jsonb_build_object('value', 'Hidden', 'marking', '{"level":"DR","compartments":[]}'::jsonb, 'provenance', '{}'::jsonb)) ELSE '{}'::jsonb END,
              '{}'::jsonb, 'h' || i, timestamptz '2026-01-01T00:00:00Z' + i * interval '1 second', timestamptz '2026-01-01T00:00:00Z' + i * interval '1 second'
       FROM generate_series(1, ? + 200) i, (SELECT '{"level":"NP","compartments":[]}'::jsonb AS np) m`,
      [tenant, N, N],
    ),
  );
}

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
function expected(scope: ReaderScope, keep: (p: ReturnType<typeof person>) => boolean): string[] {
  const rank = { NP: 0, DR: 1, S: 2, TS: 3 }[scope.clearance];
  const out: string[] = [];
  for (let i = 1; i <= N; i += 1) {
    const p = person(i);
    if (p.levelRank <= rank && keep(p)) out.push(`s${i}`);
  }
  return out;
}

const distanceM = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) => {
  const r = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(r(a.lat - b.lat) / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(r(a.lon - b.lon) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
};

const cases: [string, ReaderScope, PropertyFilter[], (p: ReturnType<typeof person>) => boolean][] = [
  ['eq (rare)', ts, [{ property: 'fullName', op: 'eq', value: 'Rare Needle' }], (p) => p.fullName === 'Rare Needle'],
  ['eq (none)', ts, [{ property: 'fullName', op: 'eq', value: 'Nobody' }], () => false],
  ['neq', np, [{ property: 'fullName', op: 'neq', value: 'Person 7' }], (p) => p.fullName !== 'Person 7'],
  ['prefix', np, [{ property: 'fullName', op: 'prefix', value: 'Person 12' }], (p) => p.fullName.startsWith('Person 12')],
  ['contains (case-insensitive)', np, [{ property: 'fullName', op: 'contains', value: 'NEEDLE' }], (p) => p.fullName.toLowerCase().includes('needle')],
  ['gt number', np, [{ property: 'age', op: 'gt', value: 85 }], (p) => p.age > 85],
  ['gte number', np, [{ property: 'age', op: 'gte', value: 89 }], (p) => p.age >= 89],
  ['lt number', np, [{ property: 'age', op: 'lt', value: 1 }], (p) => p.age < 1],
  ['lte date', np, [{ property: 'birthDate', op: 'lte', value: '1950-03-01' }], (p) => p.birthDate <= '1950-03-01'],
  ['in, multi-valued', np, [{ property: 'tags', op: 'in', value: ['t3', 'x'] }], (p) => p.tags.includes('t3')],
  ['exists true', np, [{ property: 'nickname', op: 'exists', value: true }], (p) => p.nickname !== undefined],
  ['exists false', np, [{ property: 'nickname', op: 'exists', value: false }], (p) => p.nickname === undefined],
  ['within', np, [{ property: 'location', op: 'within', value: { center: { lat: 48.5, lon: 2 }, radiusMeters: 1_200 } }], (p) => distanceM(p.location, { lat: 48.5, lon: 2 }) <= 1_200],
  ['a property above the reader never matches (NP)', np, [{ property: 'secretName', op: 'eq', value: 'Hidden' }], () => false],
  ['a property the reader may see (DR)', dr, [{ property: 'secretName', op: 'eq', value: 'Hidden' }], (p) => p.secretName === 'Hidden'],
  ['two filters', dr, [{ property: 'secretName', op: 'exists', value: true }, { property: 'age', op: 'lt', value: 10 }], (p) => p.secretName !== undefined && p.age < 10],
];

beforeAll(async () => {
  orm = await MikroORM.init(
    mikroOrmOptions({
      service: 'ontology',
      config: { DATABASE_URL: stack['VIGIE_DB_URL_ONTOLOGY'] ?? '', DATABASE_SCHEMA: 'ontology', DATABASE_POOL_MAX: 2 },
      entities: ONTOLOGY_ENTITIES,
      migrations: ONTOLOGY_MIGRATIONS,
    }),
  );
  db = new OntologyDatabase(orm);
  await seed();
});

afterAll(async () => {
  await db?.read((sql) => sql.query(`DELETE FROM object WHERE tenant = ?`, [tenant]));
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

  it('the statement reads at most the bound from the table (EXPLAIN ANALYZE), where the unbounded count reads every person', async () => {
    const statements: { text: string; params: readonly unknown[] }[] = [];
    const recording = (sql: Sql): Sql => ({
      query: <T>(text: string, params: readonly unknown[] = []) => {
        statements.push({ text, params });
        return sql.query<T>(text, params);
      },
    });
    const none: ObjectListQuery = { type: 'Person', filters: [{ property: 'fullName', op: 'eq', value: 'Nobody' }], includeDeleted: false, limit: 50, scanLimit: SCAN };
    await db.read((sql) => repo.list(recording(sql), ts, none));
    await db.read((sql) => repo.count(recording(sql), ts, none));
    const [list, count] = statements;
    const rowsRead = async (s: { text: string; params: readonly unknown[] } | undefined) => {
      if (!s) throw new Error('no statement recorded');
      const [plan] = await db.read((sql) => sql.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${s.text}`, s.params));
      return tableReads(plan?.['QUERY PLAN'][0].Plan);
    };
    const listed = await rowsRead(list);
    expect(listed).toBeGreaterThanOrEqual(SCAN);
    expect(listed).toBeLessThanOrEqual(SCAN + 1); // the window function reads one row ahead
    expect(await rowsRead(count)).toBeGreaterThanOrEqual(N);
    expect(LIST_SCAN_LIMIT).toBeGreaterThan(SCAN);
  });
});

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan read from the `object` table: returned + removed by its filter, over every scan node of it. */
function tableReads(node: PlanNode | undefined): number {
  if (!node) return 0;
  const own = node['Relation Name'] === 'object' ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + tableReads(child), 0);
}
