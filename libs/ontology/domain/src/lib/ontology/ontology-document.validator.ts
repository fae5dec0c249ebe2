import { describeIssues } from '@vigie/shared-contracts';
import {
  ANY_OBJECT_TYPE,
  LinkType,
  ObjectType,
  OntologyDocument,
  ontologyDocumentSchema,
  OntologyException,
  OntologyExceptionCode,
  OntologyProblem,
  PropertyDefinition,
} from '@vigie/ontology-contracts';

function problem(code: string, path: string, message: string): OntologyProblem {
  return { code, path, message: `${path}: ${message}` };
}

function duplicates(names: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}

function checkProperties(owner: string, properties: PropertyDefinition[], out: OntologyProblem[]): void {
  for (const d of duplicates(properties.map((p) => p.name))) {
    out.push(problem('DUPLICATE_PROPERTY', `${owner}.${d}`, `property "${d}" is defined more than once`));
  }
  // Names differing only by case make search fields and SQL columns ambiguous.
  const byLower = new Map<string, Set<string>>();
  for (const p of properties) byLower.set(p.name.toLowerCase(), (byLower.get(p.name.toLowerCase()) ?? new Set()).add(p.name));
  for (const variants of byLower.values()) {
    if (variants.size > 1) out.push(problem('DUPLICATE_PROPERTY', `${owner}.${[...variants][1]}`, `properties ${[...variants].join(', ')} differ only by case`));
  }
  for (const p of properties) {
    const path = `${owner}.${p.name}`;
    if (p.kind === 'enum') {
      for (const d of duplicates(p.values)) out.push(problem('DUPLICATE_ENUM_VALUE', path, `enum value "${d}" is listed more than once`));
    }
    if (p.kind === 'number' && p.min !== undefined && p.max !== undefined && p.min > p.max) {
      out.push(problem('INVALID_RANGE', path, `min ${p.min} is greater than max ${p.max}`));
    }
  }
}

function checkObjectType(t: ObjectType, out: OntologyProblem[]): void {
  checkProperties(t.name, t.properties, out);
  const byName = new Map(t.properties.map((p) => [p.name, p] as const));
  const refer = (field: string, name: string | undefined, kinds: PropertyDefinition['kind'][]) => {
    if (name === undefined) return;
    const p = byName.get(name);
    if (!p) out.push(problem('UNKNOWN_PROPERTY', `${t.name}.${field}`, `refers to "${name}", which is not a property of ${t.name}`));
    else if (!kinds.includes(p.kind)) {
      out.push(problem('WRONG_PROPERTY_KIND', `${t.name}.${field}`, `"${name}" is a ${p.kind} property; expected ${kinds.join(' or ')}`));
    }
  };
  refer('titleProperty', t.titleProperty, ['string', 'text', 'identifier', 'enum']);
  refer('geoProperty', t.geoProperty, ['geo-point']);
  refer('timeProperty', t.timeProperty, ['date', 'datetime']);
  for (const d of duplicates(t.identityKeys.map((k) => k.property))) {
    out.push(problem('DUPLICATE_IDENTITY_KEY', `${t.name}.identityKeys`, `"${d}" is listed more than once`));
  }
  for (const key of t.identityKeys) refer('identityKeys', key.property, ['identifier']);
  if (t.resolution) {
    for (const n of t.resolution.nameProperties) refer('resolution.nameProperties', n, ['string', 'text']);
    refer('resolution.birthDateProperty', t.resolution.birthDateProperty, ['date']);
    refer('resolution.placeProperty', t.resolution.placeProperty, ['string', 'text']);
    refer('resolution.genderProperty', t.resolution.genderProperty, ['enum']);
    if (t.resolution.profile !== 'none' && t.resolution.nameProperties.length === 0) {
      out.push(problem('MISSING_NAME_PROPERTIES', `${t.name}.resolution`, `profile "${t.resolution.profile}" needs at least one name property`));
    }
  }
}

function checkLinkType(l: LinkType, objectTypes: Set<string>, out: OntologyProblem[]): void {
  checkProperties(l.name, l.properties, out);
  for (const end of ['from', 'to'] as const) {
    const names = l[end];
    if (names.includes(ANY_OBJECT_TYPE) && names.length > 1) {
      out.push(problem('INVALID_LINK_END', `${l.name}.${end}`, '"*" (any type) cannot be combined with type names'));
    }
    for (const d of duplicates(names)) out.push(problem('INVALID_LINK_END', `${l.name}.${end}`, `"${d}" is listed more than once`));
    for (const n of names) {
      if (n !== ANY_OBJECT_TYPE && !objectTypes.has(n)) {
        out.push(problem('UNKNOWN_OBJECT_TYPE', `${l.name}.${end}`, `"${n}" is not an object type of this ontology`));
      }
    }
  }
}

/**
 * Checks an ontology document: its shape (zod), then its meaning — unique type and property
 * names, references to existing properties of the right kind (title, geo, time, identity keys,
 * resolution profile), link ends naming existing object types. Returns the parsed document
 * (with defaults applied) when there is no problem.
 */
export function validateOntologyDocument(input: unknown): { document?: OntologyDocument; problems: OntologyProblem[] } {
  const parsed = ontologyDocumentSchema.safeParse(input);
  if (!parsed.success) {
    return { problems: describeIssues(parsed.error).fields.map((f) => ({ code: 'INVALID_SHAPE', path: f.path, message: `${f.path}: ${f.message}` })) };
  }
  const doc = parsed.data;
  const problems: OntologyProblem[] = [];
  for (const d of duplicates(doc.objectTypes.map((t) => t.name))) problems.push(problem('DUPLICATE_TYPE', d, `object type "${d}" is defined more than once`));
  for (const d of duplicates(doc.linkTypes.map((t) => t.name))) problems.push(problem('DUPLICATE_TYPE', d, `link type "${d}" is defined more than once`));
  for (const t of doc.objectTypes) checkObjectType(t, problems);
  const names = new Set(doc.objectTypes.map((t) => t.name));
  for (const l of doc.linkTypes) checkLinkType(l, names, problems);
  return problems.length ? { problems } : { document: doc, problems };
}

/** `validateOntologyDocument`, throwing `ONTOLOGY_INVALID` with every problem named. */
export function assertValidOntology(input: unknown): OntologyDocument {
  const { document, problems } = validateOntologyDocument(input);
  if (!document) {
    throw new OntologyException(
      OntologyExceptionCode.InvalidOntology,
      `Invalid ontology: ${problems.slice(0, 10).map((p) => p.message).join('; ')}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}`,
      { problems },
    );
  }
  return document;
}

export function findObjectType(doc: OntologyDocument, name: string): ObjectType {
  const t = doc.objectTypes.find((o) => o.name === name);
  if (!t) throw new OntologyException(OntologyExceptionCode.TypeNotFound, `Object type "${name}" does not exist in ontology version ${doc.version}`);
  return t;
}

export function findLinkType(doc: OntologyDocument, name: string): LinkType {
  const t = doc.linkTypes.find((l) => l.name === name);
  if (!t) throw new OntologyException(OntologyExceptionCode.TypeNotFound, `Link type "${name}" does not exist in ontology version ${doc.version}`);
  return t;
}

/** Refuses a link whose ends are not of the types its link type allows. */
export function assertLinkEnds(linkType: LinkType, fromType: string, toType: string): void {
  const allows = (end: string[], t: string) => end.includes(ANY_OBJECT_TYPE) || end.includes(t);
  const forward = allows(linkType.from, fromType) && allows(linkType.to, toType);
  const backward = !linkType.directed && allows(linkType.from, toType) && allows(linkType.to, fromType);
  if (!forward && !backward) {
    throw new OntologyException(
      OntologyExceptionCode.LinkEndpointMismatch,
      `A "${linkType.name}" link goes from ${linkType.from.join('|')} to ${linkType.to.join('|')}, not from ${fromType} to ${toType}`,
    );
  }
}

/** Refuses a validity interval on a link type without validity, or one that ends before it starts. */
export function assertValidity(linkType: LinkType, validFrom?: string | null, validTo?: string | null): void {
  if (!linkType.hasValidity && (validFrom || validTo)) {
    throw new OntologyException(OntologyExceptionCode.InvalidValidity, `"${linkType.name}" links carry no validity interval`);
  }
  if (validFrom && validTo && Date.parse(validTo) < Date.parse(validFrom)) {
    throw new OntologyException(OntologyExceptionCode.InvalidValidity, `validTo ${validTo} is before validFrom ${validFrom}`);
  }
}
