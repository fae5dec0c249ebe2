import { ObjectType, objectTypeSchema, OntologyExceptionCode } from '@vigie/ontology-contracts';
import { Actor } from '@vigie/shared-auth';
import { newEntries, updatedEntries } from './property-entries';

const type: ObjectType = objectTypeSchema.parse({
  name: 'Person',
  label: { fr: 'Personne', en: 'Person' },
  titleProperty: 'fullName',
  properties: [
    { name: 'fullName', label: { fr: 'Nom', en: 'Name' }, kind: 'string' },
    { name: 'taxId', label: { fr: 'NIF', en: 'Tax id' }, kind: 'string', defaultMarking: { level: 'DR', compartments: [] } },
  ],
});
const NP = { level: 'NP' as const, compartments: [] };
const provenance = { source: 'console' };
const actor = (clearance: Actor['clearance']): Actor => ({ tenant: 't', subject: 's', roles: ['vigie-analyst'], clearance, compartments: [], kind: 'user', expiresAt: 0 });

describe('newEntries', () => {
  it('marks each value with its own marking, else the property default, else the object marking', () => {
    const e = newEntries(actor('S'), type, { fullName: 'Jean', taxId: '123' }, NP, undefined, provenance);
    expect(e['fullName']?.marking).toEqual(NP);
    expect(e['taxId']?.marking).toEqual({ level: 'DR', compartments: [] });
    const explicit = newEntries(actor('S'), type, { fullName: 'Jean' }, NP, { fullName: { level: 'S', compartments: [] } }, provenance);
    expect(explicit['fullName']?.marking.level).toBe('S');
  });

  it('refuses a value the writer could not read back, and marks for unknown properties', () => {
    expect(() => newEntries(actor('NP'), type, { taxId: '123' }, NP, undefined, provenance)).toThrow(expect.objectContaining({ code: OntologyExceptionCode.MarkingAboveClearance }));
    expect(() => newEntries(actor('S'), type, {}, NP, { nickname: NP }, provenance)).toThrow(expect.objectContaining({ code: OntologyExceptionCode.InvalidProperties }));
  });
});

describe('updatedEntries', () => {
  const current = newEntries(actor('S'), type, { fullName: 'Jean', taxId: '123' }, NP, undefined, provenance);

  it('keeps what is not named and the existing marking of a replaced value', () => {
    const next = updatedEntries(actor('DR'), type, current, { values: { taxId: '456' }, unset: [] }, NP, undefined, provenance);
    expect(next['taxId']).toMatchObject({ value: '456', marking: { level: 'DR' } });
    expect(next['fullName']).toEqual(current['fullName']);
  });

  it('refuses to set, unset or re-mark a property marked above the writer', () => {
    const np = actor('NP');
    const changes: { values: Record<string, string>; unset: string[] }[] = [{ values: { taxId: '9' }, unset: [] }, { values: {}, unset: ['taxId'] }];
    for (const change of changes) {
      expect(() => updatedEntries(np, type, current, change, NP, undefined, provenance)).toThrow(expect.objectContaining({ code: OntologyExceptionCode.MarkingAboveClearance }));
    }
    expect(() => updatedEntries(np, type, current, { values: {}, unset: [] }, NP, { taxId: NP }, provenance)).toThrow(expect.objectContaining({ code: OntologyExceptionCode.MarkingAboveClearance }));
  });
});
