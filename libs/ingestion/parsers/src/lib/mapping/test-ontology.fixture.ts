import { OntologyDocument, ontologyDocumentSchema } from '@vigie/ontology-contracts';

/** A small ontology for the mapping tests (test fixture, not part of the library). */
const label = (en: string) => ({ en, fr: en });

export const TEST_ONTOLOGY: OntologyDocument = ontologyDocumentSchema.parse({
  version: 1,
  objectTypes: [
    {
      name: 'Person',
      label: label('Person'),
      titleProperty: 'fullName',
      properties: [
        { name: 'fullName', kind: 'string', label: label('Full name'), required: true },
        { name: 'givenName', kind: 'string', label: label('Given name') },
        { name: 'familyName', kind: 'string', label: label('Family name') },
        { name: 'aliases', kind: 'string', label: label('Aliases'), multiple: true },
        { name: 'birthDate', kind: 'date', label: label('Birth date') },
        { name: 'gender', kind: 'enum', label: label('Gender'), values: ['female', 'male', 'unknown'] },
        { name: 'height', kind: 'number', label: label('Height'), min: 0, max: 300 },
        { name: 'children', kind: 'number', label: label('Children'), integer: true },
        { name: 'deceased', kind: 'boolean', label: label('Deceased') },
        { name: 'seenAt', kind: 'datetime', label: label('Seen at') },
        { name: 'home', kind: 'geo-point', label: label('Home') },
        { name: 'phones', kind: 'identifier', normaliser: 'phone', label: label('Phones'), multiple: true },
      ],
    },
    {
      name: 'Phone',
      label: label('Phone'),
      titleProperty: 'number',
      properties: [{ name: 'number', kind: 'identifier', normaliser: 'phone', label: label('Number'), required: true }],
    },
    { name: 'Vehicle', label: label('Vehicle'), titleProperty: 'plate', properties: [{ name: 'plate', kind: 'identifier', normaliser: 'licence-plate', label: label('Plate') }] },
  ],
  linkTypes: [
    { name: 'owns', label: label('owns'), from: ['Person'], to: ['Phone', 'Vehicle'], directed: true, hasValidity: true, properties: [{ name: 'share', kind: 'number', label: label('Share') }] },
    { name: 'called', label: label('called'), from: 'Phone', to: 'Phone', directed: true, properties: [] },
  ],
});
