import { MikroORM } from '@mikro-orm/postgresql';
import { PropertyFilter } from '@vigie/ontology-contracts';
import { ONTOLOGY_ENTITIES, ONTOLOGY_MIGRATIONS, OntologyDatabase, ReaderScope, Sql } from '@vigie/ontology-data-access';
import { mikroOrmOptions } from '@vigie/shared-persistence';
import { stack } from './ontology-test.helpers';

/**
 * A private tenant of people seeded set-based with SQL, straight into the ontology schema (the
 * listing and count bounds need thousands of objects; the API would take minutes), with a
 * reference of what each person holds so a spec can compute what a reader must get.
 */

/** A connection to the ontology schema as the ontology service's role (2 connections). */
export async function openOntologyDatabase(): Promise<{ orm: MikroORM; db: OntologyDatabase }> {
  const orm = await MikroORM.init(
    mikroOrmOptions({
      service: 'ontology',
      config: { DATABASE_URL: stack['VIGIE_DB_URL_ONTOLOGY'] ?? '', DATABASE_SCHEMA: 'ontology', DATABASE_POOL_MAX: 2 },
      entities: ONTOLOGY_ENTITIES,
      migrations: ONTOLOGY_MIGRATIONS,
    }),
  );
  return { orm, db: new OntologyDatabase(orm) };
}

/** What the SQL seed stores for person `i` (1…N), for the reference. */
export const person = (i: number) => ({
  fullName: i === 2_500 ? 'Rare Needle' : `Person ${i}`,
  age: i % 90,
  birthDate: new Date(Date.UTC(1950, 0, 1 + i)).toISOString().slice(0, 10),
  tags: [`t${i % 7}`, 'all'],
  nickname: i % 10 === 0 ? `Nick ${i}` : undefined,
  secretName: i % 3 === 0 ? 'Hidden' : undefined, // marked DR
  location: { lat: 48 + (i % 100) / 100, lon: 2 },
  levelRank: i % 50 === 0 ? 2 : 0, // S: invisible to NP and DR
});
export type SeededPerson = ReturnType<typeof person>;

/**
 * `people` Person objects (then 200 Phone objects) of `tenant`, person i holding {@link person}(i),
 * updated one second apart from 2026-01-01 (list order = their number). Remove with {@link dropTenant}.
 */
export async function seedPeople(db: OntologyDatabase, tenant: string, people: number, source = 'listing-bound-spec'): Promise<void> {
  await db.read((sql) =>
    sql.query(
      `INSERT INTO object (id, tenant, type, source, source_key, version, level_rank, compartments, properties, provenance, content_hash, created_at, updated_at)
       SELECT gen_random_uuid(), ?, CASE WHEN i <= ? THEN 'Person' ELSE 'Phone' END, ?, 's' || i, 1,
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
      [tenant, people, source, people],
    ),
  );
}

export async function dropTenant(db: OntologyDatabase | undefined, tenant: string): Promise<void> {
  await db?.read((sql) => sql.query(`DELETE FROM object WHERE tenant = ?`, [tenant]));
}

/** The reference: the keys (`s<i>`) of the first `people` people `scope` may see that satisfy `keep`, in list order. */
export function expectedPeople(people: number, scope: ReaderScope, keep: (p: SeededPerson) => boolean): string[] {
  const rank = { NP: 0, DR: 1, S: 2, TS: 3 }[scope.clearance];
  const out: string[] = [];
  for (let i = 1; i <= people; i += 1) {
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

/** Filter cases over the seeded people for a tenant: name, reader, filters, the reference predicate. */
export function filterCases(tenant: string): [string, ReaderScope, PropertyFilter[], (p: SeededPerson) => boolean][] {
  const np: ReaderScope = { tenant, clearance: 'NP', compartments: [] };
  const dr: ReaderScope = { tenant, clearance: 'DR', compartments: [] };
  const ts: ReaderScope = { tenant, clearance: 'TS', compartments: [] };
  return [
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
}

/** A statement a repository ran, recorded to EXPLAIN it again. */
export interface RecordedStatement {
  text: string;
  params: readonly unknown[];
}

/** An `Sql` that records every statement into `into` before running it. */
export function recording(sql: Sql, into: RecordedStatement[]): Sql {
  return {
    query: <T>(text: string, params: readonly unknown[] = []) => {
      into.push({ text, params });
      return sql.query<T>(text, params);
    },
  };
}

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

/**
 * How many rows of `object` the last recorded statement reads (EXPLAIN ANALYZE, run again in a
 * transaction after the statements recorded before it, e.g. a `SET LOCAL`).
 */
export async function objectRowsRead(db: OntologyDatabase, statements: readonly RecordedStatement[]): Promise<number> {
  const last = statements[statements.length - 1];
  if (!last) throw new Error('no statement recorded');
  const [plan] = await db.transaction(async (sql) => {
    for (const s of statements.slice(0, -1)) await sql.query(s.text, s.params);
    return sql.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${last.text}`, last.params);
  });
  return tableReads(plan?.['QUERY PLAN'][0].Plan);
}
