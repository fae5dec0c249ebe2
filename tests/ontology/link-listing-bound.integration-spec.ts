import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { PropertyFilter } from '@vigie/ontology-contracts';
import { LinkListQuery, LinkRepository, OntologyDatabase, ReaderScope } from '@vigie/ontology-data-access';
import { dropTenant, openOntologyDatabase, person, seedPeople } from './object-seed.helpers';

/**
 * The link listing and count read a BOUNDED number of links per statement (LinkRepository), like
 * objects: on a private tenant seeded set-based with SQL (3,000 people, 200 phones, one `uses` link
 * per person to phone i % 200, its values computed from i), `validAt` and the property filters
 * answer exactly the links a reference computed here expects — in one go with the default bound and
 * across partial pages of a small one — and a count beyond the bound says it is a lower bound.
 * Need-to-know holds inside the scan: a link is seen only if it and both its ends may be.
 */
const N = 3_000;
const SCAN = 700;
const tenant = `lscan-${randomBytes(4).toString('hex')}`;
const repo = new LinkRepository();

let orm: MikroORM;
let db: OntologyDatabase;

const np: ReaderScope = { tenant, clearance: 'NP', compartments: [] };
const ts: ReaderScope = { tenant, clearance: 'TS', compartments: [] };

/** What the seed stores on the link of person i. */
const link = (i: number) => ({
  since: 1990 + (i % 30),
  role: i === 2_500 ? 'rare' : `r${i % 4}`,
  validFrom: i % 2 === 0 ? '2020-01-01' : null,
  validTo: i % 3 === 0 ? '2021-01-01' : null,
  levelRank: i % 70 === 0 ? 2 : 0, // the link itself S
});

async function seedLinks(): Promise<void> {
  await db.read((sql) =>
    sql.query(
      `INSERT INTO link (id, tenant, type, source, source_key, from_id, to_id, directed, version, level_rank, compartments, properties, provenance, valid_from, valid_to, content_hash, created_at, updated_at)
       SELECT gen_random_uuid(), ?, 'uses', 'link-bound-spec', 'l' || i, p.id, ph.id, true, 1, CASE WHEN i % 70 = 0 THEN 2 ELSE 0 END, '{}',
              jsonb_build_object(
                'since', jsonb_build_object('value', 1990 + i % 30, 'marking', m.np, 'provenance', '{}'::jsonb),
                'role', jsonb_build_object('value', CASE WHEN i = 2500 THEN 'rare' ELSE 'r' || (i % 4) END, 'marking', m.np, 'provenance', '{}'::jsonb)),
              '{}'::jsonb, CASE WHEN i % 2 = 0 THEN '2020-01-01' END, CASE WHEN i % 3 = 0 THEN '2021-01-01' END, 'lh' || i,
              timestamptz '2026-02-01T00:00:00Z' + i * interval '1 second', timestamptz '2026-02-01T00:00:00Z' + i * interval '1 second'
       FROM generate_series(1, ?) i
       JOIN object p ON p.tenant = ? AND p.source_key = 's' || i
       JOIN object ph ON ph.tenant = ? AND ph.source_key = 's' || (? + 1 + i % 200),
       (SELECT '{"level":"NP","compartments":[]}'::jsonb AS np) m`,
      [tenant, N, tenant, tenant, N],
    ),
  );
}

/** The level rank of the phone person i is linked to (the seed marks every 50th object S, phones too). */
const phoneRank = (i: number) => ((N + 1 + (i % 200)) % 50 === 0 ? 2 : 0);

/** The reference: keys (`l<i>`) of the links `scope` may see (the link and both its ends) that satisfy `keep`, in list order. */
function expected(scope: ReaderScope, keep: (i: number) => boolean): string[] {
  const rank = { NP: 0, DR: 1, S: 2, TS: 3 }[scope.clearance];
  const out: string[] = [];
  for (let i = 1; i <= N; i += 1) if (link(i).levelRank <= rank && person(i).levelRank <= rank && phoneRank(i) <= rank && keep(i)) out.push(`l${i}`);
  return out;
}

/** Every page of a listing, following the cursor; the number of partial pages. */
async function listAll(scope: ReaderScope, q: Pick<LinkListQuery, 'filters' | 'validAt'>, scanLimit?: number, limit = 500): Promise<{ keys: string[]; partial: number }> {
  const keys: string[] = [];
  let after: LinkListQuery['after'];
  let partial = 0;
  for (let pages = 1; ; pages += 1) {
    if (pages > 100) throw new Error('the listing does not end');
    const { rows, scanEnd } = await db.read((sql) =>
      repo.list(sql, scope, { type: 'uses', direction: 'both', includeDeleted: false, ...q, after, limit, ...(scanLimit ? { scanLimit } : {}) }),
    );
    const page = rows.slice(0, limit);
    keys.push(...page.map((r) => r.source_key ?? ''));
    if (scanEnd) partial += 1;
    const last = page[page.length - 1];
    after = rows.length > limit && last ? { key: last.cursor_key, id: last.id } : scanEnd;
    if (!after) return { keys, partial };
  }
}

beforeAll(async () => {
  ({ orm, db } = await openOntologyDatabase());
  await seedPeople(db, tenant, N);
  await seedLinks();
});

afterAll(async () => {
  await db?.read((sql) => sql.query(`DELETE FROM link WHERE tenant = ?`, [tenant]));
  await dropTenant(db, tenant);
  await orm?.close(true);
});

const cases: [string, ReaderScope, Pick<LinkListQuery, 'filters' | 'validAt'>, (i: number) => boolean][] = [
  ['eq (rare)', ts, { filters: [{ property: 'role', op: 'eq', value: 'rare' }] }, (i) => link(i).role === 'rare'],
  ['gte number', np, { filters: [{ property: 'since', op: 'gte', value: 2018 }] }, (i) => link(i).since >= 2018],
  ['validAt', np, { filters: [], validAt: '2022-06-01' }, (i) => link(i).validTo === null],
  ['validAt and a filter', ts, { filters: [{ property: 'role', op: 'eq', value: 'r1' }], validAt: '2020-06-01' }, (i) => link(i).role === 'r1'],
  ['no test (need-to-know only)', np, { filters: [] }, () => true],
];

describe(`link listing and count, bounded scan (tenant ${tenant}, ${N} links)`, () => {
  it('the seed is what the reference says (every person linked)', async () => {
    const [row] = await db.read((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM link WHERE tenant = ?`, [tenant]));
    expect(row?.n).toBe(N);
  });

  it.each(cases)('%s: exactly the expected links, in order, with the default bound and across partial pages of a small one', async (_name, scope, q, keep) => {
    const want = expected(scope, keep);
    const whole = await listAll(scope, q);
    expect(whole).toEqual({ keys: want, partial: 0 }); // 3,000 < the default bound: never partial
    const bounded = await listAll(scope, q, SCAN, 100);
    expect(bounded.keys).toEqual(want);
    const tested = q.filters.length > 0 || q.validAt !== undefined;
    // Only a scan with tests can stop short of a full page; with at most a page of matches every full window of SCAN ends in a partial page.
    if (!tested) expect(bounded.partial).toBe(0);
    else if (want.length <= 100) expect(bounded.partial).toBe(Math.floor(expected(scope, () => true).length / SCAN));
  });

  it.each(cases)('%s: counted exactly within the bound, "at least" beyond it', async (_name, scope, q, keep) => {
    const want = expected(scope, keep);
    const tested = q.filters.length > 0 || q.validAt !== undefined;
    const count = (scanLimit?: number) => db.transaction((sql) => repo.count(sql, scope, { type: 'uses', direction: 'both', includeDeleted: false, ...q, ...(scanLimit ? { scanLimit } : {}) }));
    expect(await count()).toEqual({ count: want.length, exact: true });
    // With a bound of SCAN: the matches among the first SCAN links the reader may see, a lower bound.
    const firstWindow = new Set(expected(scope, () => true).slice(0, SCAN));
    expect(await count(SCAN)).toEqual(tested ? { count: want.filter((k) => firstWindow.has(k)).length, exact: false } : { count: want.length, exact: true });
  });

  it('the links of one object: bounded and exact alike, its hidden end hiding the link', async () => {
    // Phone #1 (key s3001) is the `to` end of persons 200, 400, …, 3000; person 1000, 2000, 3000 are S (i % 50 = 0) and link 1400, 2800 are S (i % 70 = 0).
    const [phone] = await db.read((sql) => sql.query<{ id: string }>(`SELECT id FROM object WHERE tenant = ? AND source_key = ?`, [tenant, `s${N + 1}`]));
    const ofPhone = (scope: ReaderScope, filters: PropertyFilter[]) =>
      db.read((sql) => repo.list(sql, scope, { objectId: phone?.id, direction: 'in', filters, includeDeleted: false, limit: 100 }));
    const keys = (rows: { source_key: string | null }[]) => rows.map((r) => r.source_key);
    const all = Array.from({ length: N / 200 }, (_, k) => 200 * (k + 1));
    expect(keys((await ofPhone(ts, [])).rows)).toEqual(all.map((i) => `l${i}`));
    expect(keys((await ofPhone(np, [])).rows)).toEqual(all.filter((i) => i % 50 !== 0 && i % 70 !== 0).map((i) => `l${i}`));
    expect(keys((await ofPhone(np, [{ property: 'since', op: 'gte', value: 2015 }])).rows)).toEqual(all.filter((i) => i % 50 !== 0 && i % 70 !== 0 && link(i).since >= 2015).map((i) => `l${i}`));
    const counted = await db.transaction((sql) => repo.count(sql, np, { objectId: phone?.id, direction: 'in', filters: [{ property: 'since', op: 'gte', value: 2015 }], includeDeleted: false }));
    expect(counted).toEqual({ count: all.filter((i) => i % 50 !== 0 && i % 70 !== 0 && link(i).since >= 2015).length, exact: true });
  });
});
