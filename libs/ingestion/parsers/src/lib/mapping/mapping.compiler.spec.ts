import { applyMapping, compileMapping, CompiledMapping } from './mapping.compiler';
import { TEST_ONTOLOGY } from './test-ontology.fixture';

const PEOPLE = `
version: 1
name: people
markings: { level: DR, compartments: [op-saphir] }
objects:
  person:
    type: Person
    key: "person:{id}"
    properties:
      fullName: { concat: [first, last], transforms: [collapse, title] }
      givenName: { field: first, transforms: [trim, title] }
      familyName: { field: last, transforms: [trim, upper] }
      aliases: { field: aka, transforms: [{ split: "|" }, lower] }
      birthDate: { field: born, transforms: [{ date: [DD/MM/YYYY, YYYYMMDD, ISO] }] }
      gender: { field: sex, transforms: [trim, { map: { M: male, F: female } }], default: unknown }
      height: size
      deceased: dead
      seenAt: { field: seen, transforms: [{ date: "DD/MM/YYYY HH:mm" }] }
      home: { geo: { lat: lat, lon: lon } }
  phone:
    type: Phone
    key: "phone:{phone}"
    optional: true
    properties:
      number: { field: phone, transforms: [{ replace: { from: " ", to: "" } }] }
links:
  - type: owns
    from: person
    to: phone
    key: "owns:{id}:{phone}"
    properties:
      share: { const: 1 }
    validFrom: { field: since, transforms: [{ date: DD/MM/YYYY }] }
`;

function compiled(text = PEOPLE, columns?: string[]): CompiledMapping {
  const result = compileMapping(text, TEST_ONTOLOGY, columns ? { columns } : {});
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.mapping;
}

function errorsOf(text: string, columns?: string[]) {
  const result = compileMapping(text, TEST_ONTOLOGY, columns ? { columns } : {});
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

const ROW = {
  id: '42',
  first: '  jean-PIERRE ',
  last: "d'arc ",
  aka: 'JP| Jeannot ',
  born: '29/02/1984',
  sex: 'M',
  size: '1,82',
  dead: 'non',
  seen: '03/04/2024 17:05',
  lat: '48,85',
  lon: '2.35',
  phone: '+33 6 12 34 56 78',
  since: '01/01/2020',
};

describe('compileMapping + applyMapping', () => {
  it('maps a record to objects and a link with transforms, coercion and the mapping markings', () => {
    const mapping = compiled();
    expect(mapping.markings).toEqual({ level: 'DR', compartments: ['op-saphir'] });
    expect(mapping.objects).toEqual([
      { alias: 'person', type: 'Person', optional: false },
      { alias: 'phone', type: 'Phone', optional: true },
    ]);
    expect(mapping.fields).toEqual(expect.arrayContaining(['id', 'first', 'last', 'phone', 'since', 'lat', 'lon']));
    const result = applyMapping(mapping, ROW, { recordKey: '7', line: 9 });
    const markings = { level: 'DR', compartments: ['op-saphir'] };
    expect(result).toEqual({
      ok: true,
      objects: [
        {
          type: 'Person',
          sourceKey: 'person:42',
          properties: {
            fullName: "Jean-Pierre D'Arc",
            givenName: 'Jean-Pierre',
            familyName: "D'ARC",
            aliases: ['jp', 'jeannot'],
            birthDate: '1984-02-29',
            gender: 'male',
            height: 1.82,
            deceased: false,
            seenAt: '2024-04-03T17:05:00Z',
            home: { lat: 48.85, lon: 2.35 },
          },
          markings,
          provenance: { recordKey: '7', line: 9 },
        },
        { type: 'Phone', sourceKey: 'phone:+33 6 12 34 56 78', properties: { number: '+33612345678' }, markings, provenance: { recordKey: '7', line: 9 } },
      ],
      links: [
        {
          type: 'owns',
          sourceKey: 'owns:42:+33 6 12 34 56 78',
          fromSourceKey: 'person:42',
          toSourceKey: 'phone:+33 6 12 34 56 78',
          properties: { share: 1 },
          validFrom: '2020-01-01',
          markings,
          provenance: { recordKey: '7', line: 9 },
        },
      ],
    });
  });

  it('uses the job markings given at apply time', () => {
    const result = applyMapping(compiled(), ROW, { markings: { level: 'S', compartments: [] } });
    expect(result.ok && result.objects[0].markings).toEqual({ level: 'S', compartments: [] });
  });

  it('leaves out an optional object with an empty key, and its links', () => {
    const result = applyMapping(compiled(), { ...ROW, phone: ' ' });
    expect(result.ok && result.objects.map((o) => o.type)).toEqual(['Person']);
    expect(result.ok && result.links).toEqual([]);
  });

  it('applies the default when the value is empty, and leaves out empty properties', () => {
    const result = applyMapping(compiled(), { id: '1', first: 'A', last: 'B', sex: '', born: '' });
    expect(result.ok && result.objects[0].properties).toEqual({ fullName: 'A B', givenName: 'A', familyName: 'B', gender: 'unknown' });
  });

  it.each([
    [{ born: '31/02/1984' }, 'object person (Person): "31/02/1984" is not a date in the format DD/MM/YYYY or YYYYMMDD or ISO (from field "born")'],
    [{ sex: 'X' }, 'object person (Person): property gender expects one of female, male, unknown; got "X" (from field "sex")'],
    [{ size: 'tall' }, 'object person (Person): property height expects a number, got "tall" (from field "size")'],
    [{ size: '400' }, 'object person (Person): property height is 400, above its maximum of 300 (from field "size")'],
    [{ dead: 'maybe' }, 'object person (Person): property deceased expects a boolean (true/false, oui/non, 1/0), got "maybe" (from field "dead")'],
    [{ lat: '95' }, 'object person (Person): property home expects a geo point (latitude -90..90, longitude -180..180), got {"lat":"95","lon":"2.35"} (from field "lat+lon")'],
    [{ id: '' }, 'object person (Person): its key "person:{id}" cannot be built, field "id" is empty'],
    [{ first: '', last: ' ' }, 'object person (Person): required property fullName is empty (from field "first+last")'],
    [{ since: '2020' }, 'link owns: "2020" is not a date in the format DD/MM/YYYY (from field "since")'],
  ])('rejects %j naming the object, property, field and value', (change, reason) => {
    expect(applyMapping(compiled(), { ...ROW, ...change })).toEqual({ ok: false, reason });
  });

  it('reads nested JSON fields by dotted path, templates and integers', () => {
    const mapping = compiled(`
version: 1
objects:
  p:
    type: Person
    key: "{ids.0}-{name.last}"
    properties:
      fullName: { template: "{name.first} {name.last}" }
      children: kids
`);
    expect(applyMapping(mapping, { ids: ['A1'], name: { first: 'Ada', last: 'L' }, kids: 2 })).toMatchObject({ ok: true, objects: [{ sourceKey: 'A1-L', properties: { fullName: 'Ada L', children: 2 } }] });
    expect(applyMapping(mapping, { ids: ['A1'], name: { first: 'Ada', last: 'L' }, kids: 2.5 })).toEqual({ ok: false, reason: 'object p (Person): property children expects an integer, got 2.5 (from field "kids")' });
  });

  it('accepts a JSON mapping', () => {
    const json = JSON.stringify({ version: 1, objects: { p: { type: 'Phone', key: '{n}', properties: { number: 'n' } } } });
    expect(applyMapping(compiled(json), { n: '0612' })).toMatchObject({ ok: true, objects: [{ type: 'Phone', sourceKey: '0612', properties: { number: '0612' } }] });
  });
});

describe('compileMapping — errors name the path and the line', () => {
  it('reports unknown types, properties, keys, transforms and date formats at their lines', () => {
    const errors = errorsOf(`version: 1
objects:
  person:
    type: Person
    key: "p:{id}"
    properties:
      fullName: name
      nickname: nick
      birthDate: { field: born, transforms: [{ date: "DD/QQ/YYYY" }] }
      givenName: { field: first, tranforms: [trim] }
      familyName: { field: last, transforms: [shout] }
  car:
    type: Car
    key: "{plate}"
`);
    expect(errors).toEqual([
      { path: 'objects.person.properties.nickname', line: 8, column: 17, message: 'object type Person has no property "nickname" (it has fullName, givenName, familyName, aliases, birthDate, gender, height, children, deceased, seenAt, home, phones)' },
      { path: 'objects.person.properties.birthDate.transforms[0]', line: 9, column: 46, message: 'unknown token "Q" in date format "DD/QQ/YYYY" (put literal letters in [brackets])' },
      { path: 'objects.person.properties.givenName.tranforms', line: 10, column: 45, message: 'unknown key "tranforms" in a value (expected field, template, concat, const, geo, transforms, default, required)' },
      { path: 'objects.person.properties.familyName.transforms[0]', line: 11, column: 47, message: 'unknown transform "shout" (known: trim, lower, upper, title, collapse, date, split, replace, map, prefix, suffix)' },
      { path: 'objects.car.type', line: 13, column: 11, message: 'unknown object type "Car" (the ontology has Person, Phone, Vehicle)' },
    ]);
  });

  it('reports links whose ends are not allowed, unknown aliases and validity on a link type without it', () => {
    const errors = errorsOf(`version: 1
objects:
  a: { type: Phone, key: "{x}", properties: { number: x } }
  b: { type: Phone, key: "{y}", properties: { number: y } }
links:
  - type: owns
    from: a
    to: b
  - type: called
    from: a
    to: nobody
    validFrom: when
`);
    expect(errors.map((e) => [e.path, e.line, e.message])).toEqual([
      ['links[0].from', 7, 'link type owns does not allow Phone at its "from" end (allowed: Person)'],
      ['links[1].to', 11, 'to must name an object alias of this mapping (a, b)'],
      ['links[1].validFrom', 12, 'link type called has no validity interval'],
    ]);
  });

  it('reports a required property that is not mapped, a missing key, a bad version and bad markings', () => {
    const errors = errorsOf(`version: 2
markings: { level: SECRET }
objects:
  p:
    type: Person
    properties: { givenName: first }
`);
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ['version', 1],
      ['markings.level', 2],
      ['objects.p', 5],
      ['objects.p.properties', 6],
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      'version must be 1, not 2',
      expect.stringContaining('markings: Invalid option'),
      'key is required: a template of the fields that identify the object in its source, e.g. "person:{id}"',
      'required property fullName of Person is not mapped',
    ]);
  });

  it('reports a split into a single-valued property and a default that does not fit', () => {
    const errors = errorsOf(`version: 1
objects:
  p:
    type: Person
    key: "{id}"
    properties:
      fullName: { field: n, transforms: [{ split: "," }] }
      gender: { field: g, default: other }
`);
    expect(errors.map((e) => [e.path, e.line, e.message])).toEqual([
      ['objects.p.properties.fullName', 7, 'split makes a list, but property fullName holds one value (it is not multiple)'],
      ['objects.p.properties.gender.default', 8, 'default: property gender expects one of female, male, unknown; got "other"'],
    ]);
  });

  it('checks the fields against the source columns', () => {
    const errors = errorsOf(`version: 1
objects:
  p:
    type: Phone
    key: "tel:{phone}"
    properties:
      number: telephone
`, ['id', 'phone']);
    expect(errors).toEqual([{ path: 'objects.p.properties.number', line: 7, column: 15, message: 'field "telephone" is not a column of the source (columns: id, phone)' }]);
  });

  it('reports a YAML syntax error with its line', () => {
    const errors = errorsOf('version: 1\nobjects:\n  p: { type: Phone\n  q: 1\n');
    expect(errors[0]).toMatchObject({ path: '(syntax)', line: expect.any(Number) });
    expect(errors[0].line).toBeGreaterThanOrEqual(3);
  });

  it('refuses a mapping that is not an object', () => {
    expect(errorsOf('- a\n- b\n')).toEqual([{ path: '(root)', line: 1, column: 1, message: 'a mapping is an object with version, objects and links' }]);
  });
});
