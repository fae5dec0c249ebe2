import { LinkType, linkTypeSchema, ObjectType, objectTypeSchema, OntologyDocument } from '@vigie/ontology-contracts';
import { z } from 'zod';
import extension from './stix-ontology-extension.json';
import { STIX_RELATIONSHIP_LINKS } from './stix.mapper';

/**
 * The ontology extension STIX needs: object types (ThreatActor, IntrusionSet, Campaign, Malware,
 * Tool, AttackPattern, Indicator, Vulnerability, File, Observation) and link types (one per STIX
 * relationship type, `sighted`, `observed`). The data lives in `stix-ontology-extension.json`;
 * the ontology service adds it with `ontology.v1.type.upsert` (a setup step, like migrations).
 */
export const STIX_ONTOLOGY_EXTENSION: { readonly objectTypes: readonly ObjectType[]; readonly linkTypes: readonly LinkType[] } = Object.freeze({
  objectTypes: z.array(objectTypeSchema).parse(extension.objectTypes),
  linkTypes: z.array(linkTypeSchema).parse(extension.linkTypes),
});

/** Properties the STIX mapping writes on types of the default ontology. */
const DEFAULT_TYPE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  Person: ['fullName', 'notes'],
  Organization: ['name', 'notes', 'sector'],
  Location: ['name', 'address', 'postalCode', 'city', 'country', 'point'],
  IpAddress: ['address'],
  Domain: ['name'],
  Email: ['address'],
  Url: ['url'],
};
const DEFAULT_LINK_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  related_to: ['description'],
  located_at: [],
  resolves_to: [],
};

/**
 * What an ontology lacks for the STIX mapping (empty when it has everything): each object type,
 * link type and property the mapping writes. The service checks the tenant's ontology with it
 * before a STIX job starts.
 */
export function checkStixOntology(ontology: Pick<OntologyDocument, 'objectTypes' | 'linkTypes'>): string[] {
  const problems: string[] = [];
  const objectNeeds = new Map<string, readonly string[]>(Object.entries(DEFAULT_TYPE_PROPERTIES));
  for (const t of STIX_ONTOLOGY_EXTENSION.objectTypes) objectNeeds.set(t.name, t.properties.map((p) => p.name));
  for (const [name, properties] of objectNeeds) {
    const type = ontology.objectTypes.find((t) => t.name === name);
    if (!type) {
      problems.push(`object type ${name} is missing`);
      continue;
    }
    for (const p of properties) if (!type.properties.some((d) => d.name === p)) problems.push(`object type ${name} has no property ${p}`);
  }
  const linkNeeds = new Map<string, readonly string[]>(Object.entries(DEFAULT_LINK_PROPERTIES));
  for (const t of STIX_ONTOLOGY_EXTENSION.linkTypes) linkNeeds.set(t.name, t.properties.map((p) => p.name));
  for (const name of Object.values(STIX_RELATIONSHIP_LINKS)) if (!linkNeeds.has(name)) problems.push(`link type ${name} is not defined by the STIX extension`);
  for (const [name, properties] of linkNeeds) {
    const type = ontology.linkTypes.find((t) => t.name === name);
    if (!type) {
      problems.push(`link type ${name} is missing`);
      continue;
    }
    for (const p of properties) if (!type.properties.some((d) => d.name === p)) problems.push(`link type ${name} has no property ${p}`);
  }
  return problems;
}

/** One type change that brings an ontology up to the STIX extension (the shape of `ontology.v1.type.upsert` without its version). */
export type StixOntologyChange = { kind: 'object'; type: ObjectType; created: boolean } | { kind: 'link'; type: LinkType; created: boolean };

/**
 * The type changes that give an ontology everything the STIX extension defines, never removing
 * anything: a missing type is added as the extension defines it; an existing type keeps its
 * definition (an administrator may have edited it) and gets only the extension's properties it
 * lacks, appended. Empty when nothing is missing, so applying it twice changes nothing.
 */
export function planStixOntology(ontology: Pick<OntologyDocument, 'objectTypes' | 'linkTypes'>): StixOntologyChange[] {
  const changes: StixOntologyChange[] = [];
  for (const wanted of STIX_ONTOLOGY_EXTENSION.objectTypes) {
    const current = ontology.objectTypes.find((t) => t.name === wanted.name);
    if (!current) {
      changes.push({ kind: 'object', type: wanted, created: true });
      continue;
    }
    const missing = wanted.properties.filter((p) => !current.properties.some((c) => c.name === p.name));
    if (missing.length > 0) changes.push({ kind: 'object', type: { ...current, properties: [...current.properties, ...missing.map((p) => ({ ...p, required: false }))] }, created: false });
  }
  for (const wanted of STIX_ONTOLOGY_EXTENSION.linkTypes) {
    const current = ontology.linkTypes.find((t) => t.name === wanted.name);
    if (!current) {
      changes.push({ kind: 'link', type: wanted, created: true });
      continue;
    }
    const missing = wanted.properties.filter((p) => !current.properties.some((c) => c.name === p.name));
    if (missing.length > 0) changes.push({ kind: 'link', type: { ...current, properties: [...current.properties, ...missing.map((p) => ({ ...p, required: false }))] }, created: false });
  }
  return changes;
}
