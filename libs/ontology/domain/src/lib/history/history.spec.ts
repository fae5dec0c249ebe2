import { OntologyExceptionCode } from '@vigie/ontology-contracts';
import { decodeCursor, encodeCursor } from './list-cursor';
import { changedProperties, diffVersions, VersionState } from './version-diff';

const provenance = { source: 'registry', jobId: 'j1', line: 3 };
const np = { level: 'NP' as const, compartments: [] };
const before: VersionState = {
  properties: {
    fullName: { value: 'Jean Dupont', marking: np, provenance },
    phones: { value: ['+33612345678'], marking: np, provenance },
    notes: { value: 'x', marking: np, provenance },
  },
  markings: np,
  deletedAt: null,
};

describe('diffVersions', () => {
  it('reports added, removed and modified properties, markings and state', () => {
    const after: VersionState = {
      properties: {
        fullName: { value: 'Jean Dupont', marking: np, provenance: { source: 'console' } },
        phones: { value: ['+33612345678', '+33698765432'], marking: np, provenance },
        birthDate: { value: '1980-01-02', marking: { level: 'DR', compartments: [] }, provenance },
      },
      markings: { level: 'S', compartments: ['op-saphir'] },
      deletedAt: '2024-05-01T00:00:00.000Z',
    };
    const changes = diffVersions(before, after);
    expect(changes).toEqual([
      { target: 'property', property: 'birthDate', kind: 'added', after: after.properties['birthDate'] },
      { target: 'property', property: 'notes', kind: 'removed', before: before.properties['notes'] },
      { target: 'property', property: 'phones', kind: 'modified', before: before.properties['phones'], after: after.properties['phones'] },
      { target: 'markings', before: np, after: { level: 'S', compartments: ['op-saphir'] } },
      { target: 'state', before: 'active', after: 'deleted' },
    ]);
    expect(changedProperties(changes)).toEqual(['birthDate', 'notes', 'phones']);
  });

  it('sees a marking change on a property and a validity change on a link, and nothing in equal versions', () => {
    const remarked: VersionState = { ...before, properties: { ...before.properties, notes: { value: 'x', marking: { level: 'DR', compartments: [] }, provenance } } };
    expect(diffVersions(before, remarked)).toEqual([expect.objectContaining({ property: 'notes', kind: 'modified' })]);
    expect(diffVersions({ ...before, validFrom: '2020-01-01' }, { ...before, validFrom: '2020-01-01', validTo: '2021-01-01' })).toEqual([
      { target: 'validity', before: { validFrom: '2020-01-01', validTo: null }, after: { validFrom: '2020-01-01', validTo: '2021-01-01' } },
    ]);
    expect(diffVersions(before, structuredClone(before))).toEqual([]);
  });
});

describe('list cursors', () => {
  it('round-trips and refuses cursors it did not issue', () => {
    const c = { key: '2024-05-01T00:00:00.000Z', id: '0b5a4a4e-5b7e-4f0e-8d6c-3c2d0b0c4c1a' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(encodeCursor({ key: 0.93, id: 'x' }))).toEqual({ key: 0.93, id: 'x' });
    expect(() => decodeCursor('not-a-cursor')).toThrow(expect.objectContaining({ code: OntologyExceptionCode.InvalidCursor }));
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toThrow(/not one this service issued/);
  });
});
