import { PropertyFilter } from '@vigie/ontology-contracts';
import { propertyFilterSql } from './property-filter.sql';

const scope = { tenant: 'alpha', clearance: 'DR' as const, compartments: ['cyber'] };

const filters: PropertyFilter[] = [
  { property: 'fullName', op: 'eq', value: 'Dupont' },
  { property: 'fullName', op: 'neq', value: 'Dupont' },
  { property: 'fullName', op: 'prefix', value: '50%_off' },
  { property: 'fullName', op: 'contains', value: 'ont' },
  { property: 'age', op: 'gt', value: 30 },
  { property: 'birthDate', op: 'lte', value: '1990-01-01' },
  { property: 'gender', op: 'in', value: ['female', 'male'] },
  { property: 'phones', op: 'exists', value: true },
  { property: 'phones', op: 'exists', value: false },
  { property: 'location', op: 'within', value: { center: { lat: 48.85, lon: 2.35 }, radiusMeters: 1000 } },
];

describe('propertyFilterSql', () => {
  it.each(filters.map((f) => [`${f.property} ${f.op}`, f] as const))('%s: one bound parameter per placeholder, the property visibility checked first', (_n, f) => {
    const sql = propertyFilterSql('o', f, scope);
    expect(sql.sql.split('?').length - 1).toBe(sql.params.length);
    expect(sql.sql).toContain('entry_visible(o.properties -> ?, ?, ?::text[])');
    expect(sql.params.slice(0, 3)).toEqual([f.property, 1, '{"cyber"}']);
  });

  it('never puts a value into the SQL text', () => {
    const sql = propertyFilterSql('o', { property: 'fullName', op: 'eq', value: "x'); DROP TABLE object; --" }, scope);
    expect(sql.sql).not.toContain('DROP');
    expect(sql.params).toContain("x'); DROP TABLE object; --");
  });

  it('escapes LIKE wildcards in prefix and contains', () => {
    expect(propertyFilterSql('o', { property: 'fullName', op: 'prefix', value: '50%_off' }, scope).params.at(-1)).toBe('50\\%\\_off%');
    expect(propertyFilterSql('o', { property: 'fullName', op: 'contains', value: 'a_b' }, scope).params.at(-1)).toBe('%a\\_b%');
  });

  it('compares numbers as numbers and dates as ISO text', () => {
    expect(propertyFilterSql('o', { property: 'age', op: 'gt', value: 30 }, scope).sql).toContain('::numeric > ?');
    expect(propertyFilterSql('o', { property: 'birthDate', op: 'lte', value: '1990-01-01' }, scope).sql).toContain(`x #>> '{}' <= ?`);
  });
});
