import { neighbourhoodRequestSchema, SEARCH_TOTAL_BOUND, searchRequestSchema, SearchRequestInput } from '@vigie/analytics-contracts';
import { GraphQueryService } from '../query/graph-query.service';
import { GraphRepository } from '../query/graph.repository';
import { SearchRepository } from '../query/search.repository';
import { Viewer } from '../query/visibility';
import { dropTenant, freshTenant, testDb } from '../../test/test-db';
import { AnalyticsDb } from './analytics-db';
import { tenantPartitionName, tenantPartitionSql } from './tenant-partitions';

/**
 * A tenant of its own (bulk-loaded into bare tables, indexed, attached) reads like any other, and
 * search counts exactly up to the bound, then says its total is a lower bound — counting only
 * what the reader may see either way.
 */
let db: AnalyticsDb;
const tenant = freshTenant('part');
const NPV: Viewer = { tenant, clearance: 'NP', compartments: [] };
const SV: Viewer = { tenant, clearance: 'S', compartments: [] };
const sql = () => tenantPartitionSql(tenant, { unlogged: true });
const part = (t: 'object' | 'doc' | 'link') => tenantPartitionName(t, tenant);
const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(12, '0')}`;
const OBJ = '00000000-0000-4000-8000-';
const LNK = '00000000-0000-4000-9000-';

/** n objects named `word <i>` of level `level`, ids from `from`. */
async function objects(word: string, from: number, n: number, level: number): Promise<void> {
  await db.query(
    `INSERT INTO ${part('object')} (tenant, id, type, version, level, compartments, deleted, title, title_level, occurred_at)
     SELECT $1, ($2 || lpad(i::text, 12, '0'))::uuid, 'Person', 1, $5, '{}', false, $3 || ' ' || i, $5, now() FROM generate_series($4::int, $4::int + $6::int - 1) i`,
    [tenant, OBJ, word, from, level, n],
  );
  await db.query(
    `INSERT INTO ${part('doc')} (tenant, object_id, seq, type, level, compartments, deleted, fields, props, tsv, names, skel)
     SELECT $1, ($2 || lpad(i::text, 12, '0'))::uuid, 0, 'Person', $5, '{}', false, jsonb_build_object('name', $3 || ' ' || i),
            jsonb_build_object('name', $3 || ' ' || i), to_tsvector('simple', $3 || ' ' || i), $3, to_tsvector('simple', $3)
     FROM generate_series($4::int, $4::int + $6::int - 1) i`,
    [tenant, OBJ, word, from, level, n],
  );
}

beforeAll(async () => {
  db = testDb();
  for (const s of sql().create) await db.query(s);
  await objects('zorglub', 0, SEARCH_TOTAL_BOUND + 5, 0);
  await objects('zorglub', 2000, 40, 2);
  await objects('quux', 3000, 30, 0);
  await objects('quux', 3100, 10, 2);
  // A star: quux 3000 linked to 3001..3005, one hidden link (level S) to 3006.
  await db.query(
    `INSERT INTO ${part('link')} (tenant, id, type, from_id, to_id, directed, version, level, compartments, deleted, from_type, from_level, from_deleted, to_type, to_level, to_deleted, occurred_at)
     SELECT $1, ($2 || lpad(i::text, 12, '0'))::uuid, 'knows', ($3 || lpad('3000', 12, '0'))::uuid, ($3 || lpad((3000 + i)::text, 12, '0'))::uuid, false, 1,
            CASE WHEN i = 6 THEN 2 ELSE 0 END, '{}', false, 'Person', 0, false, 'Person', 0, false, now()
     FROM generate_series(1, 6) i`,
    [tenant, LNK, OBJ],
  );
  for (const s of [...sql().index, ...sql().vacuum, ...sql().attach]) await db.query(s);
}, 60_000);

afterAll(async () => {
  for (const s of sql().drop) await db.query(s);
  await dropTenant(db, tenant);
  await db.close();
});

const run = (viewer: Viewer, input: SearchRequestInput) => new SearchRepository(db).search(viewer, searchRequestSchema.parse(input));

describe('a tenant partition', () => {
  it('is attached to every projection table and read through the parents', async () => {
    const r = await db.query<{ parent: string }>(
      `SELECT inhparent::regclass::text AS parent FROM pg_inherits WHERE inhrelid = ANY (ARRAY[$1, $2, $3]::regclass[]) ORDER BY 1`,
      [part('object'), part('doc'), part('link')],
    );
    expect(r.rows.map((x) => x.parent)).toEqual(['doc', 'link', 'object']);
    const persistence = await db.query<{ p: string }>(`SELECT relpersistence AS p FROM pg_class WHERE oid = $1::regclass`, [part('link')]);
    expect(persistence.rows[0].p).toBe('u');
    const n = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM object WHERE tenant = $1`, [tenant]);
    expect(n.rows[0].n).toBe(SEARCH_TOTAL_BOUND + 5 + 40 + 30 + 10);
  });

  it('refuses a tenant name that cannot name a partition', () => {
    expect(() => tenantPartitionName('doc', 'Bench; DROP TABLE doc')).toThrow(/cannot name a partition/);
  });

  it('expands neighbourhoods with the markings of the copied ends and links', async () => {
    const graph = new GraphQueryService(new GraphRepository(db));
    const r = await graph.neighbourhood(NPV, neighbourhoodRequestSchema.parse({ ids: [id(OBJ, 3000)], hops: 1, limit: 50 }));
    expect(r.nodes.map((x) => x.id).sort()).toEqual([3000, 3001, 3002, 3003, 3004, 3005].map((i) => id(OBJ, i)));
    expect(r.edges).toHaveLength(5);
  });
});

describe('bounded search totals', () => {
  it('counts exactly below the bound, visible objects only, in the total and the facets', async () => {
    const np = await run(NPV, { q: 'quux' });
    expect(np.total).toBe(30);
    expect(np.totalExact).toBe(true);
    expect(np.facets.types).toEqual([{ value: 'Person', count: 30 }]);
    const s = await run(SV, { q: 'quux' });
    expect(s.total).toBe(40);
    expect(s.totalExact).toBe(true);
  });

  it('stops counting at the bound and says the total is a lower bound, never counting hidden objects', async () => {
    const r = await run(NPV, { q: 'zorglub', limit: 50 });
    expect(r.totalExact).toBe(false);
    expect(r.total).toBeGreaterThanOrEqual(SEARCH_TOTAL_BOUND);
    expect(r.total).toBeLessThanOrEqual(SEARCH_TOTAL_BOUND + 1);
    expect(r.items).toHaveLength(50);
    const hidden = new Set(Array.from({ length: 40 }, (_, i) => id(OBJ, 2000 + i)));
    expect(r.items.filter((i) => hidden.has(i.id))).toEqual([]);
    expect(r.nextCursor).not.toBeNull();
  });

  it('bounds a filters-only listing the same way and pages it in id order', async () => {
    const r = await run(NPV, { limit: 5 });
    expect(r.totalExact).toBe(false);
    expect(r.items.map((i) => i.id)).toEqual([0, 1, 2, 3, 4].map((i) => id(OBJ, i)));
    const next = await run(NPV, { limit: 5, cursor: r.nextCursor as string });
    expect(next.items.map((i) => i.id)).toEqual([5, 6, 7, 8, 9].map((i) => id(OBJ, i)));
  });
});
