import { createHash } from 'node:crypto';
import { Marking, PropertyEntry } from '@vigie/ontology-contracts';
import { contentHash, diffSnapshots, normaliseMarking } from './object-state';

const NP: Marking = { level: 'NP', compartments: [] };
const entry = (value: PropertyEntry['value'], source = 'a', marking: Marking = NP): PropertyEntry => ({ value, marking, provenance: { source } });

describe('contentHash', () => {
  const base = { type: 'Person', markings: NP, properties: { fullName: entry('Jean'), phones: entry(['+33611223344']) } };

  it('ignores provenance, key order and compartment order: re-ingesting the same data is no change', () => {
    const again = { type: 'Person', markings: NP, properties: { phones: entry(['+33611223344'], 'b'), fullName: entry('Jean', 'other-job') } };
    expect(contentHash(again)).toBe(contentHash(base));
    const m1 = { level: 'S' as const, compartments: ['b', 'a'] };
    const m2 = { level: 'S' as const, compartments: ['a', 'b'] };
    expect(contentHash({ ...base, markings: m1 })).toBe(contentHash({ ...base, markings: m2 }));
  });

  it('changes with a value, a property marking, the object markings, the type or link extras', () => {
    const h = contentHash(base);
    expect(contentHash({ ...base, properties: { ...base.properties, fullName: entry('Jeanne') } })).not.toBe(h);
    expect(contentHash({ ...base, properties: { ...base.properties, fullName: entry('Jean', 'a', { level: 'DR', compartments: [] }) } })).not.toBe(h);
    expect(contentHash({ ...base, markings: { level: 'DR', compartments: [] } })).not.toBe(h);
    expect(contentHash({ ...base, type: 'Organization' })).not.toBe(h);
    expect(contentHash({ ...base, extra: { vf: '2024-01-01' } })).not.toBe(h);
  });
});

/** `contentHash` as it was first written (stored hashes were computed with it): the reference the faster one must equal. */
function referenceCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${referenceCanonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
function referenceContentHash(input: { type: string; markings: Marking; properties: Record<string, PropertyEntry>; extra?: Record<string, unknown> }): string {
  const props = Object.fromEntries(Object.entries(input.properties).map(([k, e]) => [k, { v: e.value, m: normaliseMarking(e.marking) }]));
  return createHash('sha256')
    .update(referenceCanonical({ t: input.type, m: normaliseMarking(input.markings), p: props, x: input.extra ?? {} }))
    .digest('base64url');
}

describe('contentHash equals the stored hashes of its first implementation', () => {
  const S = (compartments: string[]): Marking => ({ level: 'S', compartments });
  const cases: { name: string; input: Parameters<typeof contentHash>[0] }[] = [
    { name: 'no property', input: { type: 'Phone', markings: NP, properties: {} } },
    { name: 'strings, arrays, numbers, booleans, null', input: { type: 'Person', markings: NP, properties: { fullName: entry('Hélène "H" \\ Marchand'), phones: entry(['+33611223344', '+33700000000']), age: entry(42.5), alive: entry(true), nick: entry(null as unknown as string) } } },
    { name: 'geo point and nested object keys out of order', input: { type: 'Location', markings: NP, properties: { point: entry({ lon: 2.35, lat: 48.85 } as unknown as PropertyEntry['value']) } } },
    { name: 'unsorted, repeated compartments (object and property)', input: { type: 'Person', markings: S(['z', 'a', 'z']), properties: { b: entry('x', 's', S(['y', 'b'])), a: entry('y', 's', S(['a'])) } } },
    { name: 'an undefined value', input: { type: 'Person', markings: NP, properties: { gone: entry(undefined as unknown as string) } } },
    { name: 'link extras with nulls', input: { type: 'uses', markings: NP, properties: {}, extra: { f: 'id-1', t: 'id-2', vf: null, vt: '2024-01-01' } } },
    { name: 'unicode and key order by code unit', input: { type: 'Person', markings: NP, properties: { é: entry('1'), Z: entry('2'), a: entry('3'), ['10']: entry('4'), ['9']: entry('5') } } },
  ];
  it.each(cases)('$name', ({ input }) => {
    expect(contentHash(input)).toBe(referenceContentHash(input));
  });

  it('on generated records', () => {
    const levels = ['NP', 'DR', 'S', 'TS'] as const;
    for (let n = 0; n < 300; n++) {
      const compartments = Array.from({ length: n % 4 }, (_, i) => `c${(n * 7 + i * 3) % 5}`);
      const properties: Record<string, PropertyEntry> = {};
      for (let k = 0; k < n % 6; k++) properties[`p${(n + k * 5) % 7}`] = entry(k % 2 ? `v${n}` : [n, k], 'src', { level: levels[(n + k) % 4], compartments: compartments.slice(k % 2) });
      const input = { type: `T${n % 3}`, markings: { level: levels[n % 4], compartments }, properties, ...(n % 2 ? { extra: { f: `a${n}`, vf: n % 3 ? null : '2020-01-01' } } : {}) };
      expect(contentHash(input)).toBe(referenceContentHash(input));
    }
  });
});

describe('normaliseMarking', () => {
  it('sorts and deduplicates compartments', () => {
    expect(normaliseMarking({ level: 'TS', compartments: ['z', 'a', 'z'] })).toEqual({ level: 'TS', compartments: ['a', 'z'] });
  });
});

describe('diffSnapshots', () => {
  it('names added, removed and modified properties, marking and state changes', () => {
    const before = { type: 'Person', properties: { fullName: entry('Jean'), notes: entry('x') }, markings: NP, deletedAt: null };
    const after = { type: 'Person', properties: { fullName: entry('Jean P.'), phones: entry(['+33611223344']) }, markings: { level: 'DR', compartments: [] }, deletedAt: '2026-01-01T00:00:00.000Z' };
    const changes = diffSnapshots(before, after);
    expect(changes.map((c) => (c.target === 'property' ? `${c.kind}:${c.property}` : c.target))).toEqual(['modified:fullName', 'removed:notes', 'added:phones', 'markings', 'state']);
  });
});
