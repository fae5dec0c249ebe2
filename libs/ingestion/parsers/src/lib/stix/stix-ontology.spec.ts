import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ontologyDocumentSchema } from '@vigie/ontology-contracts';
import { checkStixOntology, planStixOntology, STIX_ONTOLOGY_EXTENSION } from './stix-ontology';

const defaultOntologyFile = join(__dirname, '../../../../../ontology/domain/src/lib/default-ontology/default-ontology.json');
const shipped = ontologyDocumentSchema.parse(JSON.parse(readFileSync(defaultOntologyFile, 'utf8')));

/** What the ontology service does with each change: replace the type of that name, or add it. */
function apply(doc: Pick<typeof shipped, 'objectTypes' | 'linkTypes'>, changes: ReturnType<typeof planStixOntology>) {
  const objectTypes = [...doc.objectTypes];
  const linkTypes = [...doc.linkTypes];
  for (const c of changes) {
    const list = c.kind === 'object' ? objectTypes : linkTypes;
    const i = list.findIndex((t) => t.name === c.type.name);
    if (c.kind === 'object') {
      if (i >= 0) objectTypes[i] = c.type;
      else objectTypes.push(c.type);
    } else if (i >= 0) linkTypes[i] = c.type;
    else linkTypes.push(c.type);
  }
  return { objectTypes, linkTypes };
}

describe('STIX_ONTOLOGY_EXTENSION', () => {
  it('titles every object type with a property the ontology accepts as a title (string, text, identifier or enum)', () => {
    for (const t of STIX_ONTOLOGY_EXTENSION.objectTypes) {
      const title = t.properties.find((p) => p.name === t.titleProperty);
      expect([t.name, title?.kind && ['string', 'text', 'identifier', 'enum'].includes(title.kind)]).toEqual([t.name, true]);
    }
  });
});

describe('planStixOntology', () => {
  it('adds every extension type to the default ontology, after which nothing is missing and a second plan is empty', () => {
    const plan = planStixOntology(shipped);
    expect(plan.filter((c) => c.kind === 'object').map((c) => c.type.name).sort()).toEqual(STIX_ONTOLOGY_EXTENSION.objectTypes.map((t) => t.name).sort());
    expect(plan.filter((c) => c.kind === 'link')).toHaveLength(STIX_ONTOLOGY_EXTENSION.linkTypes.length);
    expect(plan.every((c) => c.created)).toBe(true);
    const after = apply(shipped, plan);
    expect(checkStixOntology(after)).toEqual([]);
    expect(planStixOntology(after)).toEqual([]);
  });

  it('keeps what an administrator changed on an existing type and only appends the properties it lacks, as optional', () => {
    const base = apply(shipped, planStixOntology(shipped));
    const malware = base.objectTypes.find((t) => t.name === 'Malware')!;
    const edited = {
      ...malware,
      label: { en: 'Malicious software', fr: 'Logiciel malveillant' },
      properties: [...malware.properties.filter((p) => p.name !== 'description'), { name: 'family', kind: 'string' as const, label: { en: 'Family', fr: 'Famille' }, required: false, multiple: false, searchable: false }],
    };
    const doc = { ...base, objectTypes: base.objectTypes.map((t) => (t.name === 'Malware' ? edited : t)) };
    const plan = planStixOntology(doc);
    expect(plan).toHaveLength(1);
    const change = plan[0]!;
    expect(change).toMatchObject({ kind: 'object', created: false });
    expect(change.type.label.en).toBe('Malicious software');
    const names = change.type.properties.map((p) => p.name);
    expect(names).toContain('family');
    expect(names[names.length - 1]).toBe('description');
    expect(change.type.properties.find((p) => p.name === 'description')!.required).toBe(false);
  });
});
