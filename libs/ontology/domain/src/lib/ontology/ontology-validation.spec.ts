import { LinkType, ObjectType, objectTypeSchema, OntologyException, OntologyExceptionCode, linkTypeSchema, ObjectTypeInput, LinkTypeInput } from '@vigie/ontology-contracts';
import { loadDefaultOntology } from '../default-ontology/default-ontology.loader';
import { assertLinkEnds, assertValidity, assertValidOntology, findLinkType, findObjectType, validateOntologyDocument } from './ontology-document.validator';
import { assertValidProperties, coerceDatetime, validateProperties, validatePropertyValue } from './property-value.validator';

const label = { fr: 'x', en: 'x' };
const objectType = (input: Omit<ObjectTypeInput, 'label'>): ObjectType => objectTypeSchema.parse({ label, ...input });
const linkType = (input: Omit<LinkTypeInput, 'label'>): LinkType => linkTypeSchema.parse({ label, ...input });

const person = objectType({
  name: 'Person',
  titleProperty: 'fullName',
  properties: [
    { name: 'fullName', label, kind: 'string', required: true, maxLength: 20 },
    { name: 'birthDate', label, kind: 'date' },
    { name: 'seenAt', label, kind: 'datetime' },
    { name: 'height', label, kind: 'number', min: 0, max: 3 },
    { name: 'children', label, kind: 'number', integer: true },
    { name: 'alive', label, kind: 'boolean' },
    { name: 'home', label, kind: 'geo-point' },
    { name: 'gender', label, kind: 'enum', values: ['female', 'male'] },
    { name: 'phones', label, kind: 'identifier', normaliser: 'phone', multiple: true },
  ],
});

describe('property values', () => {
  it('coerces text to numbers, dates, booleans and points, naming nothing when all is well', () => {
    const { values, problems } = validateProperties(person, {
      fullName: '  Jean   Dupont ', birthDate: '07/10/1952', seenAt: '2024-05-01T14:30:00+02:00', height: '1,82',
      children: 3, alive: 'oui', home: '48.85, 2.35', gender: 'MALE', phones: ['06 12 34 56 78', '+33612345678'],
    });
    expect(problems).toEqual([]);
    expect(values).toEqual({
      fullName: 'Jean Dupont', birthDate: '1952-10-07', seenAt: '2024-05-01T12:30:00.000Z', height: 1.82, children: 3,
      alive: true, home: { lat: 48.85, lon: 2.35 }, gender: 'male', phones: ['+33612345678'],
    });
  });

  it('names the property and the reason of each refusal', () => {
    const { problems } = validateProperties(person, {
      fullName: 'A name far longer than twenty', birthDate: '31/02/2020', height: 4, children: 1.5, alive: 'maybe',
      home: [2.35, 48.85], gender: 'other', phones: ['12'], nickname: 'JD',
    });
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['Person.fullName'].message).toMatch(/more than 20/);
    expect(byPath['Person.birthDate'].message).toMatch(/not a day of the calendar/);
    expect(byPath['Person.height'].message).toMatch(/above the maximum 3/);
    expect(byPath['Person.children'].message).toMatch(/not an integer/);
    expect(byPath['Person.alive'].message).toMatch(/not a boolean/);
    expect(byPath['Person.home'].message).toMatch(/axis order is ambiguous/);
    expect(byPath['Person.gender'].message).toMatch(/not one of female, male/);
    expect(byPath['Person.phones'].code).toBe('INVALID_IDENTIFIER');
    expect(byPath['Person.nickname'].code).toBe('UNKNOWN_PROPERTY');
  });

  it('requires required properties on create, refuses unsetting them on update, and unsets others', () => {
    expect(validateProperties(person, { birthDate: '1952-10-07' }).problems.map((p) => p.code)).toEqual(['REQUIRED_PROPERTY']);
    const update = validateProperties(person, { fullName: null, gender: null }, 'update');
    expect(update.problems.map((p) => p.path)).toEqual(['Person.fullName']);
    expect(update.unset).toEqual(['gender']);
  });

  it('refuses a list for a single-valued property and wraps a single value of a multiple one', () => {
    expect(validatePropertyValue(person.properties[7], ['male', 'female'])).toMatchObject({ ok: false, problem: { code: 'NOT_MULTIPLE' } });
    expect(validatePropertyValue(person.properties[8], '0612345678')).toEqual({ ok: true, value: ['+33612345678'] });
  });

  it('refuses timestamps without a time zone', () => {
    expect(coerceDatetime('2024-05-01T14:30:00')).toMatchObject({ ok: false, reason: expect.stringMatching(/no time zone/) });
    expect(coerceDatetime('2024-05-01T14:30:00Z')).toEqual({ ok: true, value: '2024-05-01T14:30:00.000Z' });
  });

  it('throws ONTOLOGY_INVALID_PROPERTIES with every problem', () => {
    try {
      assertValidProperties(person, { fullName: 'Jean', gender: 'x', height: 'tall' });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(OntologyException);
      const err = e as OntologyException;
      expect(err.code).toBe(OntologyExceptionCode.InvalidProperties);
      expect(err.message).toMatch(/Person\.gender/);
      expect(err.message).toMatch(/Person\.height/);
      expect((err.details as { problems: unknown[] }).problems).toHaveLength(2);
    }
  });
});

describe('ontology documents', () => {
  const doc = {
    version: 1,
    objectTypes: [
      { name: 'Person', label, titleProperty: 'fullName', properties: [{ name: 'fullName', label, kind: 'string' }] },
      { name: 'Phone', label, titleProperty: 'number', properties: [{ name: 'number', label, kind: 'identifier', normaliser: 'phone' }], identityKeys: [{ property: 'number' }] },
    ],
    linkTypes: [{ name: 'uses', label, from: 'Person', to: ['Phone'], directed: true }],
  };

  it('accepts a coherent document and applies defaults', () => {
    const parsed = assertValidOntology(doc);
    expect(parsed.objectTypes[1].identityKeys).toEqual([{ property: 'number', strength: 'strong' }]);
    expect(findLinkType(parsed, 'uses').from).toEqual(['Person']);
    expect(() => findObjectType(parsed, 'Vehicle')).toThrow(/does not exist in ontology version 1/);
  });

  it('names every semantic problem', () => {
    const bad = {
      version: 2,
      objectTypes: [
        { name: 'Person', label, titleProperty: 'photo', geoProperty: 'fullName', properties: [
          { name: 'fullName', label, kind: 'string' }, { name: 'fullName', label, kind: 'text' }, { name: 'fullname', label, kind: 'text' },
          { name: 'photo', label, kind: 'geo-point' }, { name: 'rank', label, kind: 'enum', values: ['a', 'a'] },
          { name: 'age', label, kind: 'number', min: 10, max: 1 },
        ], identityKeys: [{ property: 'fullName' }] },
        { name: 'Person', label, titleProperty: 'x', properties: [{ name: 'x', label, kind: 'string' }] },
      ],
      linkTypes: [{ name: 'uses', label, from: ['Person'], to: ['Phone'], directed: true }, { name: 'odd', label, from: ['*', 'Person'], to: '*', directed: false }],
    };
    const { document, problems } = validateOntologyDocument(bad);
    expect(document).toBeUndefined();
    const codes = problems.map((p) => `${p.code}@${p.path}`);
    expect(codes).toEqual(expect.arrayContaining([
      'DUPLICATE_TYPE@Person',
      'DUPLICATE_PROPERTY@Person.fullName',
      'DUPLICATE_PROPERTY@Person.fullname',
      'WRONG_PROPERTY_KIND@Person.titleProperty',
      'WRONG_PROPERTY_KIND@Person.geoProperty',
      'WRONG_PROPERTY_KIND@Person.identityKeys',
      'DUPLICATE_ENUM_VALUE@Person.rank',
      'INVALID_RANGE@Person.age',
      'UNKNOWN_OBJECT_TYPE@uses.to',
      'INVALID_LINK_END@odd.from',
    ]));
    expect(() => assertValidOntology(bad)).toThrow(/Invalid ontology: .*Phone.*is not an object type|Invalid ontology/);
  });

  it('reports shape errors with their path', () => {
    const { problems } = validateOntologyDocument({ version: 0, objectTypes: [], linkTypes: [] });
    expect(problems[0]).toMatchObject({ code: 'INVALID_SHAPE', path: 'version' });
  });

  it('checks link ends and validity intervals', () => {
    const uses = linkType({ name: 'uses', from: ['Person'], to: ['Phone'], directed: true, hasValidity: true });
    const related = linkType({ name: 'related_to', from: '*', to: '*', directed: false });
    expect(() => assertLinkEnds(uses, 'Person', 'Phone')).not.toThrow();
    expect(() => assertLinkEnds(uses, 'Phone', 'Person')).toThrow(/goes from Person to Phone, not from Phone to Person/);
    expect(() => assertLinkEnds(related, 'Phone', 'Document')).not.toThrow();
    expect(() => assertValidity(uses, '2024-01-01', '2023-01-01')).toThrow(/before validFrom/);
    expect(() => assertValidity(related, '2024-01-01')).toThrow(/carry no validity/);
    expect(() => assertValidity(uses, '2024-01-01', null)).not.toThrow();
  });
});

describe('default ontology', () => {
  const doc = loadDefaultOntology();

  it('loads, validates and holds the intelligence types and links', () => {
    const names = doc.objectTypes.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Person', 'Organization', 'Phone', 'Email', 'Account', 'Vehicle', 'Location', 'Event', 'Document', 'IpAddress', 'Domain']));
    const links = doc.linkTypes.map((l) => l.name);
    expect(links).toEqual(expect.arrayContaining(['owns', 'works_for', 'officer_of', 'called', 'located_at', 'member_of', 'related_to', 'uses', 'attended']));
    expect(findLinkType(doc, 'called').properties.find((p) => p.name === 'startedAt')).toMatchObject({ kind: 'datetime', required: true });
  });

  it('resolves people on strong documents and treats their phones as weak evidence', () => {
    const p = findObjectType(doc, 'Person');
    expect(p.identityKeys).toEqual(expect.arrayContaining([{ property: 'passportNumbers', strength: 'strong' }, { property: 'phones', strength: 'weak' }]));
    expect(p.resolution?.profile).toBe('person');
  });

  it('returns a fresh copy each time', () => {
    const a = loadDefaultOntology();
    a.objectTypes.pop();
    expect(loadDefaultOntology().objectTypes).toHaveLength(doc.objectTypes.length);
  });
});
