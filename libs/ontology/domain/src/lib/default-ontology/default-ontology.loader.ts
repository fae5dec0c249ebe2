import { OntologyDocument } from '@vigie/ontology-contracts';
import { assertValidOntology } from '../ontology/ontology-document.validator';
import rawDefaultOntology from './default-ontology.json';

/**
 * The default ontology for intelligence work, shipped as data (`default-ontology.json`):
 * people, organisations, phones, e-mail addresses, accounts, vehicles, places, events,
 * documents, IP addresses, domains and URLs, with the links analysts draw between them.
 * Loaded for a tenant that has no ontology yet; validated on every load.
 */
export function loadDefaultOntology(): OntologyDocument {
  return assertValidOntology(structuredClone(rawDefaultOntology));
}
