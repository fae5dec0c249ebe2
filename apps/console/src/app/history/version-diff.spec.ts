import { VersionChange } from '../../lib/api-client';
import { diffLines, diffMarkings } from './version-diff';

const NP = { level: 'NP' as const, compartments: [] };
const DR = { level: 'DR' as const, compartments: ['cyber'] };
const prov = { source: 's' };

describe('version diff', () => {
  it('lists property changes old → new by name, then markings and state', () => {
    const changes: VersionChange[] = [
      { target: 'state', before: 'active', after: 'deleted' },
      { target: 'markings', before: NP, after: DR },
      { target: 'property', property: 'phone', kind: 'added', after: { value: '+33612345678', marking: DR, provenance: prov } },
      { target: 'property', property: 'age', kind: 'modified', before: { value: 41, marking: NP, provenance: prov }, after: { value: 1042, marking: NP, provenance: prov } },
      { target: 'property', property: 'alias', kind: 'removed', before: { value: ['a', 'b'], marking: NP, provenance: prov } },
    ];
    const lines = diffLines(changes, (n) => `#${n}`);
    expect(lines.map((l) => [l.name, l.kind, l.before, l.after])).toEqual([
      ['age', 'modified', '#41', '#1042'],
      ['alias', 'removed', 'a, b', null],
      ['phone', 'added', null, '+33612345678'],
      ['markings', 'modified', null, null],
      ['state', 'modified', 'active', 'deleted'],
    ]);
    expect(lines[3].beforeMarking).toEqual(NP);
    expect(lines[3].afterMarking).toEqual(DR);
    expect(diffMarkings(lines)).toEqual([NP, NP, NP, DR, NP, DR]);
  });

  it('shows validity bounds, open ends as …', () => {
    const [line] = diffLines([{ target: 'validity', before: { validFrom: null, validTo: null }, after: { validFrom: '2020-01-01', validTo: null } }], String);
    expect([line.before, line.after]).toEqual(['… – …', '2020-01-01 – …']);
  });
});
