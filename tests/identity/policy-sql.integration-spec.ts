import { knex as knexFactory } from '@mikro-orm/postgresql';
import { Pool, PoolClient } from 'pg';
import { canSee, CLASSIFICATION_LEVELS, ClassificationLevel, levelRank, markingsFilter, toPositional } from '@vigie/shared-policy';
import { stack } from './identity-test.helpers';

const UNIVERSE = ['op-saphir', 'op-rubis', 'cyber'];
const SUBSETS = Array.from({ length: 1 << UNIVERSE.length }, (_, mask) => UNIVERSE.filter((_, i) => mask & (1 << i)));
const TENANTS = ['alpha', 'bravo'];

interface Row {
  id: number;
  tenant: string;
  level: ClassificationLevel;
  compartments: string[] | null;
}

/**
 * The SQL filter against a real PostgreSQL: for every actor (clearance × compartment subset) and
 * every marked row (tenant × level × compartment subset, plus NULL compartments), the rows the
 * query returns are exactly those `canSee` allows — with text and rank encodings, and through knex.
 */
describe('markingsFilter in PostgreSQL agrees with canSee', () => {
  let pool: Pool;
  let db: PoolClient;
  const rows: Row[] = [];

  beforeAll(async () => {
    pool = new Pool({ connectionString: stack['VIGIE_DB_URL_IDENTITY'], max: 1 });
    db = await pool.connect();
    await db.query('CREATE TEMP TABLE marked (id int PRIMARY KEY, tenant text NOT NULL, level text NOT NULL, level_rank smallint NOT NULL, compartments text[])');
    let id = 0;
    for (const tenant of TENANTS)
      for (const level of CLASSIFICATION_LEVELS)
        for (const compartments of [...SUBSETS, null]) rows.push({ id: ++id, tenant, level, compartments });
    for (const r of rows) await db.query('INSERT INTO marked VALUES ($1, $2, $3, $4, $5)', [r.id, r.tenant, r.level, levelRank(r.level), r.compartments]);
  });

  afterAll(async () => {
    db?.release();
    await pool?.end();
  });

  const actors = CLASSIFICATION_LEVELS.flatMap((clearance) => SUBSETS.map((compartments) => ({ tenant: 'alpha', clearance, compartments })));

  it(`covers ${CLASSIFICATION_LEVELS.length * SUBSETS.length} actors × ${TENANTS.length * CLASSIFICATION_LEVELS.length * (SUBSETS.length + 1)} rows`, () => {
    expect(actors).toHaveLength(32);
    expect(rows).toHaveLength(72);
  });

  it.each(['text', 'rank'] as const)('with %s-encoded levels, through node-postgres', async (encoding) => {
    for (const actor of actors) {
      const filter = markingsFilter(actor, { tenant: 'm.tenant', level: encoding === 'text' ? 'm.level' : 'm.level_rank', compartments: 'm.compartments', levelEncoding: encoding });
      const { text, values } = toPositional(filter);
      const got = (await db.query<{ id: number }>(`SELECT id FROM marked m WHERE ${text} ORDER BY id`, values)).rows.map((r) => r.id);
      const expected = rows.filter((r) => canSee(actor, { tenant: r.tenant, level: r.level, compartments: r.compartments ?? [] })).map((r) => r.id);
      expect({ actor, got }).toEqual({ actor, got: expected });
    }
  });

  it('through knex whereRaw (the query builder MikroORM is built on, as it exports it), counts included', async () => {
    const knex = knexFactory({ client: 'pg' });
    try {
      for (const actor of actors) {
        const filter = markingsFilter(actor, { tenant: 'tenant', level: 'level', compartments: 'compartments' });
        const native = knex('marked').count({ n: '*' }).whereRaw(filter.sql, filter.params).toSQL().toNative();
        const [{ n }] = (await db.query<{ n: string }>(native.sql, native.bindings as unknown[])).rows;
        const expected = rows.filter((r) => canSee(actor, { tenant: r.tenant, level: r.level, compartments: r.compartments ?? [] })).length;
        expect({ actor, n: Number(n) }).toEqual({ actor, n: expected });
      }
    } finally {
      await knex.destroy();
    }
  });

  it('never returns another tenant’s rows, whatever the clearance', async () => {
    const top = { tenant: 'bravo', clearance: 'TS' as const, compartments: UNIVERSE };
    const { text, values } = toPositional(markingsFilter(top, { tenant: 'tenant', level: 'level', compartments: 'compartments' }));
    const tenants = (await db.query<{ tenant: string }>(`SELECT DISTINCT tenant FROM marked WHERE ${text}`, values)).rows.map((r) => r.tenant);
    expect(tenants).toEqual(['bravo']);
  });
});
