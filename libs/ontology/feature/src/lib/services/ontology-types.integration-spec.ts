import { OntologyExceptionCode, ObjectTypeInput, objectTypeSchema } from '@vigie/ontology-contracts';
import { actorOf, OntologyKit, PROVENANCE, startKit, tenantName } from '../../test/test-kit';

describe('ontology types as data (real PostgreSQL)', () => {
  let kit: OntologyKit;
  const tenant = tenantName('types');
  const admin = actorOf(tenant, 'S', [], ['vigie-admin']);
  const analyst = actorOf(tenant, 'S');

  const vessel = (extra: Partial<ObjectTypeInput> = {}): ObjectTypeInput => ({
    name: 'Vessel',
    label: { fr: 'Navire', en: 'Vessel' },
    titleProperty: 'name',
    properties: [
      { name: 'name', label: { fr: 'Nom', en: 'Name' }, kind: 'string', required: true },
      { name: 'flag', label: { fr: 'Pavillon', en: 'Flag' }, kind: 'enum', values: ['fr', 'pa', 'lr'] },
      { name: 'tonnage', label: { fr: 'Tonnage', en: 'Tonnage' }, kind: 'number' },
    ],
    ...extra,
  });

  beforeAll(async () => {
    kit = await startKit();
  });
  afterAll(() => kit.close());

  it('gives a tenant the default ontology as version 1 on first use', async () => {
    const { document } = await kit.types.list(analyst);
    expect(document.version).toBe(1);
    expect(document.objectTypes.map((t) => t.name)).toEqual(expect.arrayContaining(['Person', 'Organization', 'Phone']));
    const person = await kit.types.get(analyst, 'object', 'Person');
    expect(person).toMatchObject({ kind: 'object', version: 1, type: { name: 'Person', titleProperty: 'fullName' } });
    await expect(kit.types.get(analyst, 'object', 'Starship')).rejects.toMatchObject({ code: OntologyExceptionCode.TypeNotFound });
  });

  it('lets an administrator add a type (a new version), and nobody else', async () => {
    const type = objectTypeSchema.parse(vessel());
    await expect(kit.types.upsert(analyst, { kind: 'object', expectedVersion: 1, type })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(kit.types.upsert(admin, { kind: 'object', expectedVersion: 1, type })).resolves.toEqual({ version: 2, kind: 'object', name: 'Vessel', created: true });
    await expect(kit.types.upsert(admin, { kind: 'object', expectedVersion: 1, type })).rejects.toMatchObject({ code: OntologyExceptionCode.OntologyVersionConflict });
    expect((await kit.types.list(analyst)).document.version).toBe(2);
  });

  it('refuses an invalid type, naming the problem', async () => {
    const bad = objectTypeSchema.parse(vessel({ titleProperty: 'callSign' }));
    const error = await kit.types.upsert(admin, { kind: 'object', expectedVersion: 2, type: bad }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: OntologyExceptionCode.InvalidOntology });
    expect(JSON.stringify((error as { details: unknown }).details)).toContain('Vessel.titleProperty');
  });

  it('refuses changes that would invalidate stored data, computing usage from the stored objects', async () => {
    for (const [name, flag, tonnage] of [['Aurora', 'pa', 1200.5], ['Borealis', 'pa', 800], ['Cygnus', 'lr', 300]] as const) {
      await kit.objects.create(analyst, { type: 'Vessel', properties: { name, flag, tonnage }, markings: { level: 'NP', compartments: [] }, provenance: PROVENANCE });
    }
    const narrowed = objectTypeSchema.parse(
      vessel({
        properties: [
          { name: 'name', label: { fr: 'Nom', en: 'Name' }, kind: 'string', required: true },
          { name: 'flag', label: { fr: 'Pavillon', en: 'Flag' }, kind: 'enum', values: ['fr', 'lr'] },
          { name: 'tonnage', label: { fr: 'Tonnage', en: 'Tonnage' }, kind: 'number', integer: true },
          { name: 'imo', label: { fr: 'IMO', en: 'IMO' }, kind: 'string', required: true },
        ],
      }),
    );
    const error = (await kit.types.upsert(admin, { kind: 'object', expectedVersion: 2, type: narrowed }).catch((e: unknown) => e)) as { code: string; details: { problems: { code: string; path: string; affected?: number }[] } };
    expect(error.code).toBe(OntologyExceptionCode.BreakingTypeChange);
    expect(error.details.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'ENUM_VALUE_IN_USE', path: 'Vessel.flag', affected: 2 }),
        expect.objectContaining({ code: 'INTEGER_IN_USE', path: 'Vessel.tonnage', affected: 1 }),
        expect.objectContaining({ code: 'REQUIRED_WITHOUT_VALUE', path: 'Vessel.imo', affected: 3 }),
      ]),
    );
    expect((await kit.types.list(analyst)).document.version).toBe(2);

    // Widening is fine: a new optional property and a new enum value.
    const widened = objectTypeSchema.parse(
      vessel({
        properties: [
          { name: 'name', label: { fr: 'Nom', en: 'Name' }, kind: 'string', required: true },
          { name: 'flag', label: { fr: 'Pavillon', en: 'Flag' }, kind: 'enum', values: ['fr', 'pa', 'lr', 'mt'] },
          { name: 'tonnage', label: { fr: 'Tonnage', en: 'Tonnage' }, kind: 'number' },
          { name: 'imo', label: { fr: 'IMO', en: 'IMO' }, kind: 'string' },
        ],
      }),
    );
    await expect(kit.types.upsert(admin, { kind: 'object', expectedVersion: 2, type: widened })).resolves.toMatchObject({ version: 3, created: false });
  });

  it('validates property values against the type, naming the field', async () => {
    const error = await kit.objects
      .create(analyst, { type: 'Vessel', properties: { name: 'Delta', flag: 'xx', tonnage: 'heavy' }, markings: { level: 'NP', compartments: [] }, provenance: PROVENANCE })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: OntologyExceptionCode.InvalidProperties });
    expect((error as Error).message).toContain('Vessel.flag');
    expect((error as Error).message).toContain('Vessel.tonnage');
  });
});
