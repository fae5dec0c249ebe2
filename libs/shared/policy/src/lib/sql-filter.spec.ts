import { markingsFilter, PolicyFilterError, quoteIdentifier, tenantFilter, toPositional } from './sql-filter';

const actor = { tenant: 'alpha', clearance: 'S' as const, compartments: ['op-saphir', 'cyber'] };

describe('markingsFilter', () => {
  it('builds a parameterised predicate for text levels', () => {
    const f = markingsFilter(actor, { tenant: 'o.tenant', level: 'o.level', compartments: 'o.compartments' });
    expect(f.sql).toBe(`("o"."tenant" = ? AND "o"."level" IN (?, ?, ?) AND coalesce("o"."compartments", '{}'::text[]) <@ ARRAY[?, ?]::text[])`);
    expect(f.params).toEqual(['alpha', 'NP', 'DR', 'S', 'cyber', 'op-saphir']);
  });

  it('uses a rank comparison for rank-encoded levels', () => {
    const f = markingsFilter({ ...actor, clearance: 'DR' }, { tenant: 'tenant', level: 'level_rank', compartments: 'compartments', levelEncoding: 'rank' });
    expect(f.sql).toContain('"level_rank" <= ?');
    expect(f.params.slice(0, 2)).toEqual(['alpha', 1]);
  });

  it('lets an actor without compartments see only uncompartmented rows', () => {
    const f = markingsFilter({ ...actor, compartments: [] }, { tenant: 't', level: 'l', compartments: 'c' });
    expect(f.sql).toContain(`cardinality(coalesce("c", '{}'::text[])) = 0`);
    expect(f.params).toEqual(['alpha', 'NP', 'DR', 'S']);
  });

  it('refuses injection through column names or compartments, and an actor without tenant', () => {
    expect(() => markingsFilter(actor, { tenant: 'tenant; drop table x', level: 'l', compartments: 'c' })).toThrow(PolicyFilterError);
    expect(() => markingsFilter({ ...actor, compartments: ["x') or 1=1 --"] }, { tenant: 't', level: 'l', compartments: 'c' })).toThrow(/not a valid compartment/);
    expect(() => markingsFilter({ ...actor, tenant: '' }, { tenant: 't', level: 'l', compartments: 'c' })).toThrow(/no tenant/);
  });
});

describe('toPositional', () => {
  it('numbers placeholders from the given index', () => {
    const p = toPositional(tenantFilter(actor, 'tenant'), 3);
    expect(p).toEqual({ text: '"tenant" = $3', values: ['alpha'] });
  });
});

describe('quoteIdentifier', () => {
  it('quotes each part', () => {
    expect(quoteIdentifier('s.t.c')).toBe('"s"."t"."c"');
    expect(() => quoteIdentifier('a"b')).toThrow(PolicyFilterError);
  });
});
