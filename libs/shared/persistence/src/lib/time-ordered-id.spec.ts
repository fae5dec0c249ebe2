import { timeOrderedId } from './time-ordered-id';

const RFC_9562_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a version 7 UUID carrying the given millisecond in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 29, 10, 30, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(RFC_9562_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by creation time: ids of later milliseconds compare greater as text, the byte order PostgreSQL compares uuids in', () => {
    const start = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 2_000 }, (_, i) => timeOrderedId(start + i));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs in its random bits within one millisecond, across refills of its random pool', () => {
    const at = Date.now();
    const ids = Array.from({ length: 5_000 }, () => timeOrderedId(at));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(RFC_9562_V7);
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1);
  });
});
