import { pgArray, pgTimestamp, timestampsToDates } from './ontology-database';

describe('pgArray', () => {
  it('quotes every element and escapes quotes and backslashes', () => {
    expect(pgArray([])).toBe('{}');
    expect(pgArray(['a', 'b c'])).toBe('{"a","b c"}');
    expect(pgArray(['x"y', 'back\\slash', ',{}'])).toBe('{"x\\"y","back\\\\slash",",{}"}');
  });
});

describe('pgTimestamp', () => {
  it('reads PostgreSQL timestamptz text as a Date, to the millisecond', () => {
    expect((pgTimestamp('2026-11-28 15:20:51.330455+00') as Date).toISOString()).toBe('2026-11-28T15:20:51.330Z');
    expect((pgTimestamp('2026-11-28 17:20:51+02') as Date).toISOString()).toBe('2026-11-28T15:20:51.000Z');
    expect((pgTimestamp('2026-11-28 15:20:51.5-03:30') as Date).toISOString()).toBe('2026-11-28T18:50:51.500Z');
  });

  it('leaves every other value alone (ISO strings, dates, numbers, objects)', () => {
    for (const v of ['2026-11-28T15:20:51Z', '2026-11-28', 'Jean Dupont', 42, null, { a: 1 }]) expect(pgTimestamp(v)).toBe(v);
  });
});

describe('timestampsToDates', () => {
  it('converts the timestamptz columns only, when the driver names the column types', () => {
    const result = {
      rows: [{ at: '2026-11-28 15:20:51.330455+00', note: '2026-11-28 15:20:51+00', gone: null }],
      fields: [
        { name: 'at', dataTypeID: 1184 },
        { name: 'note', dataTypeID: 25 },
        { name: 'gone', dataTypeID: 1184 },
      ],
    };
    timestampsToDates(result);
    const [row] = result.rows as Record<string, unknown>[];
    expect((row?.['at'] as Date).toISOString()).toBe('2026-11-28T15:20:51.330Z');
    expect(row?.['note']).toBe('2026-11-28 15:20:51+00');
    expect(row?.['gone']).toBeNull();
  });

  it('converts every value that reads as a timestamptz when the column types are unknown', () => {
    const result = { rows: [{ at: '2026-11-28 17:20:51+02', name: 'Jean' }] };
    timestampsToDates(result);
    expect((result.rows[0]?.at as unknown as Date).toISOString()).toBe('2026-11-28T15:20:51.000Z');
    expect(result.rows[0]?.name).toBe('Jean');
  });
});
