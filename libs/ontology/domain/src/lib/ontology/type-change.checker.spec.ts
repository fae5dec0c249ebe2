import { LinkType, linkTypeSchema, ObjectType, objectTypeSchema, OntologyException, OntologyExceptionCode, TypeUpsertRequest, typeUpsertRequestSchema } from '@vigie/ontology-contracts';
import { loadDefaultOntology } from '../default-ontology/default-ontology.loader';
import { applyTypeUpsert, checkLinkTypeChange, checkOntologyChange, checkTypeChange, TypeUsage } from './type-change.checker';

const label = { fr: 'x', en: 'x' };
const base = (properties: unknown[]): ObjectType =>
  objectTypeSchema.parse({ name: 'Person', label, titleProperty: 'fullName', properties: [{ name: 'fullName', label, kind: 'string' }, ...properties] });
const usage = (objects: number, properties: TypeUsage['properties']): TypeUsage => ({ objects, properties });
const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe('checkTypeChange', () => {
  it('lets a property be added or an unused one be removed', () => {
    const before = base([{ name: 'nickname', label, kind: 'string' }]);
    const after = base([{ name: 'eyeColour', label, kind: 'string' }]);
    expect(checkTypeChange(before, after, usage(40, { nickname: { count: 0 } }))).toEqual([]);
    expect(checkTypeChange(undefined, after)).toEqual([]);
  });

  it('refuses removing a property still set, naming how many objects hold it', () => {
    const problems = checkTypeChange(base([{ name: 'nickname', label, kind: 'string' }]), base([]), usage(40, { nickname: { count: 12 } }));
    expect(problems).toEqual([{ code: 'PROPERTY_IN_USE', path: 'Person.nickname', message: 'Person.nickname: cannot be removed: it is set on 12 stored record(s)', affected: 12 }]);
  });

  it('refuses changing the kind of a used property, but allows widening to text', () => {
    const before = base([{ name: 'rank', label, kind: 'string' }]);
    expect(codes(checkTypeChange(before, base([{ name: 'rank', label, kind: 'number' }]), usage(5, { rank: { count: 5 } })))).toEqual(['KIND_CHANGED']);
    expect(checkTypeChange(before, base([{ name: 'rank', label, kind: 'text' }]), usage(5, { rank: { count: 5 } }))).toEqual([]);
    expect(checkTypeChange(before, base([{ name: 'rank', label, kind: 'number' }]), usage(5, { rank: { count: 0 } }))).toEqual([]);
  });

  it('refuses removing enum values in use and allows removing unused ones', () => {
    const before = base([{ name: 'status', label, kind: 'enum', values: ['active', 'dormant', 'closed'] }]);
    const after = base([{ name: 'status', label, kind: 'enum', values: ['active'] }]);
    const problems = checkTypeChange(before, after, usage(9, { status: { count: 9, enumValues: { active: 5, dormant: 4, closed: 0 } } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'ENUM_VALUE_IN_USE', affected: 4 });
    expect(problems[0].message).toContain('"dormant" (4)');
    expect(problems[0].message).not.toContain('closed');
  });

  it('refuses requiring a property some objects lack, and a new required property on a populated type', () => {
    const before = base([{ name: 'birthDate', label, kind: 'date' }]);
    const after = base([{ name: 'birthDate', label, kind: 'date', required: true }]);
    expect(checkTypeChange(before, after, usage(10, { birthDate: { count: 7 } }))[0]).toMatchObject({ code: 'REQUIRED_WITHOUT_VALUE', affected: 3 });
    expect(checkTypeChange(before, after, usage(10, { birthDate: { count: 10 } }))).toEqual([]);
    const added = base([{ name: 'birthDate', label, kind: 'date' }, { name: 'nationality', label, kind: 'string', required: true }]);
    expect(codes(checkTypeChange(before, added, usage(10, { birthDate: { count: 10 } })))).toEqual(['REQUIRED_WITHOUT_VALUE']);
    expect(checkTypeChange(before, added, usage(0, {}))).toEqual([]);
  });

  it('refuses narrowing lists, lengths, ranges, integers and normalisers below stored data', () => {
    const before = base([
      { name: 'aliases', label, kind: 'string', multiple: true },
      { name: 'code', label, kind: 'string' },
      { name: 'score', label, kind: 'number' },
      { name: 'doc', label, kind: 'identifier', normaliser: 'passport' },
    ]);
    const after = base([
      { name: 'aliases', label, kind: 'string' },
      { name: 'code', label, kind: 'string', maxLength: 5 },
      { name: 'score', label, kind: 'number', integer: true, min: 0, max: 10 },
      { name: 'doc', label, kind: 'identifier', normaliser: 'national-id' },
    ]);
    const problems = checkTypeChange(before, after, usage(20, {
      aliases: { count: 8, multiValued: 2 }, code: { count: 3, maxLength: 9 }, score: { count: 6, min: -1, max: 12, nonInteger: 1 }, doc: { count: 4 },
    }));
    expect(codes(problems).sort()).toEqual(['INTEGER_IN_USE', 'MAX_LENGTH_IN_USE', 'MULTIPLE_IN_USE', 'NORMALISER_CHANGED', 'RANGE_IN_USE', 'RANGE_IN_USE']);
  });
});

describe('checkLinkTypeChange and checkOntologyChange', () => {
  const link = (input: Record<string, unknown>): LinkType => linkTypeSchema.parse({ name: 'uses', label, from: ['Person', 'Organization'], to: ['Phone'], directed: true, hasValidity: true, ...input });

  it('refuses narrowing ends in use, dropping validity in use and changing direction', () => {
    const problems = checkLinkTypeChange(link({}), link({ from: ['Organization'], hasValidity: false, directed: false }), {
      links: 30, properties: {}, endTypes: { 'Person->Phone': 25, 'Organization->Phone': 5 }, withValidity: 7,
    });
    expect(codes(problems).sort()).toEqual(['DIRECTION_CHANGED', 'LINK_END_IN_USE', 'VALIDITY_IN_USE']);
    expect(problems.find((p) => p.code === 'LINK_END_IN_USE')).toMatchObject({ affected: 25 });
  });

  it('allows widening link ends', () => {
    expect(checkLinkTypeChange(link({}), link({ to: '*' }), { links: 3, properties: {}, endTypes: { 'Person->Phone': 3 }, withValidity: 0 })).toEqual([]);
  });

  it('refuses removing types that have objects or links', () => {
    const before = loadDefaultOntology();
    const after = { ...before, objectTypes: before.objectTypes.filter((t) => t.name !== 'Vehicle'), linkTypes: before.linkTypes.filter((l) => l.name !== 'called') };
    const problems = checkOntologyChange(before, after, { objectTypes: { Vehicle: { objects: 3, properties: {} } }, linkTypes: { called: { links: 100, properties: {}, endTypes: {}, withValidity: 0 } } });
    expect(problems.map((p) => `${p.code}@${p.path}`).sort()).toEqual(['TYPE_IN_USE@Vehicle', 'TYPE_IN_USE@called']);
  });
});

describe('applyTypeUpsert', () => {
  const doc = loadDefaultOntology();
  const upsert = (input: unknown): TypeUpsertRequest => typeUpsertRequestSchema.parse(input);
  const threatActor = {
    name: 'ThreatActor', label: { fr: 'Acteur de la menace', en: 'Threat actor' }, titleProperty: 'name',
    properties: [
      { name: 'name', label, kind: 'string', required: true, searchable: true },
      { name: 'stix_id', label, kind: 'identifier', normaliser: 'stix-id' },
      { name: 'external_id', label, kind: 'identifier', normaliser: 'generic', multiple: true },
      { name: 'confidence', label, kind: 'number', integer: true, min: 0, max: 100 },
      { name: 'threat_actor_types', label, kind: 'enum', values: ['nation-state', 'crime-syndicate', 'hacker'], multiple: true },
    ],
    identityKeys: [{ property: 'stix_id' }, { property: 'external_id' }],
  };

  it('adds a STIX-shaped type and bumps the version', () => {
    const { document, created } = applyTypeUpsert(doc, upsert({ kind: 'object', expectedVersion: doc.version, type: threatActor }), undefined);
    expect(created).toBe(true);
    expect(document.version).toBe(doc.version + 1);
    expect(document.objectTypes.find((t) => t.name === 'ThreatActor')?.identityKeys).toHaveLength(2);
  });

  it('refuses a change made against an older version', () => {
    expect(() => applyTypeUpsert(doc, upsert({ kind: 'object', expectedVersion: doc.version + 5, type: threatActor }), undefined)).toThrow(
      expect.objectContaining({ code: OntologyExceptionCode.OntologyVersionConflict }),
    );
  });

  it('refuses a breaking change, naming each problem in details', () => {
    const person = doc.objectTypes.find((t) => t.name === 'Person')!;
    const narrowed = { ...person, properties: person.properties.filter((p) => p.name !== 'occupation') };
    try {
      applyTypeUpsert(doc, upsert({ kind: 'object', expectedVersion: doc.version, type: narrowed }), { objects: 50, properties: { occupation: { count: 12 } } });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(OntologyException);
      const err = e as OntologyException;
      expect(err.code).toBe(OntologyExceptionCode.BreakingTypeChange);
      expect(err.message).toMatch(/Person\.occupation: cannot be removed: it is set on 12 stored record/);
      expect(err.details).toEqual({ problems: [expect.objectContaining({ code: 'PROPERTY_IN_USE', affected: 12 })] });
    }
  });

  it('refuses a link type to an unknown object type as an invalid ontology', () => {
    const request = upsert({ kind: 'link', expectedVersion: doc.version, type: { name: 'flies', label, from: 'Person', to: 'Aircraft', directed: true } });
    expect(() => applyTypeUpsert(doc, request, undefined)).toThrow(expect.objectContaining({ code: OntologyExceptionCode.InvalidOntology }));
  });
});
