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
