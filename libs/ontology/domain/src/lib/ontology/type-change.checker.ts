import {
  LinkType,
  ObjectType,
  OntologyDocument,
  OntologyException,
  OntologyExceptionCode,
  OntologyProblem,
  PropertyDefinition,
  TypeUpsertRequest,
} from '@vigie/ontology-contracts';
import { assertValidOntology } from './ontology-document.validator';

/**
 * What the stored data of one property looks like — the service computes it with a few
 * aggregate queries over the type's current (non-deleted and deleted: history must stay readable)
 * objects or links.
 */
export interface PropertyUsage {
  /** Objects (or links) with a value for the property. */
  count: number;
  /** For enums: value → number of objects using it. */
  enumValues?: Record<string, number>;
  /** Objects holding more than one value (multiple properties). */
  multiValued?: number;
  /** For strings: the longest stored value. */
  maxLength?: number;
  /** For numbers: smallest and largest stored value, and how many are not integers. */
  min?: number;
  max?: number;
  nonInteger?: number;
}

/** Usage of an object type: how many objects, and per property. */
export interface TypeUsage {
  objects: number;
  properties: Record<string, PropertyUsage>;
}

/** Usage of a link type: how many links, per property, per (from type, to type) and with a validity interval. */
export interface LinkTypeUsage {
  links: number;
  properties: Record<string, PropertyUsage>;
  /** `"Person->Organization"` → number of links between objects of those types. */
  endTypes: Record<string, number>;
  withValidity: number;
}

export interface OntologyUsage {
  objectTypes: Record<string, TypeUsage>;
  linkTypes: Record<string, LinkTypeUsage>;
}

export const EMPTY_TYPE_USAGE: TypeUsage = Object.freeze({ objects: 0, properties: {} });

function breaking(code: string, path: string, message: string, affected?: number): OntologyProblem {
  return { code, path, message: `${path}: ${message}`, ...(affected === undefined ? {} : { affected }) };
}

/** Kinds a stored value can move to without rewriting (every value of the old kind is valid in the new one). */
function isWidening(from: PropertyDefinition, to: PropertyDefinition): boolean {
  if (from.kind === to.kind) return true;
  if (to.kind === 'text') return ['string', 'enum', 'identifier'].includes(from.kind);
  if (to.kind === 'string') return from.kind === 'enum' || (from.kind === 'identifier' && to.maxLength === undefined);
  return false;
}

function checkProperty(owner: string, before: PropertyDefinition, after: PropertyDefinition, total: number, usage: PropertyUsage | undefined, out: OntologyProblem[]): void {
  const used = usage?.count ?? 0;
  const path = `${owner}.${after.name}`;
  if (!isWidening(before, after) && used > 0) {
    out.push(breaking('KIND_CHANGED', path, `changing the kind from ${before.kind} to ${after.kind} would invalidate the values of ${used} stored record(s)`, used));
    return;
  }
  if (before.kind === 'identifier' && after.kind === 'identifier' && before.normaliser !== after.normaliser && used > 0) {
    out.push(breaking('NORMALISER_CHANGED', path, `changing the normaliser from ${before.normaliser} to ${after.normaliser} would invalidate ${used} stored value(s)`, used));
  }
  if (before.kind === 'identifier' && after.kind === 'identifier' && before.defaultCountry !== after.defaultCountry && used > 0) {
    out.push(breaking('NORMALISER_CHANGED', path, `changing the default country changes the canonical form of ${used} stored value(s)`, used));
  }
  if (after.kind === 'enum') {
    const allowed = new Set(after.values);
    const lost = Object.entries(usage?.enumValues ?? {}).filter(([v, n]) => n > 0 && !allowed.has(v));
    if (lost.length) {
      const affected = lost.reduce((s, [, n]) => s + n, 0);
      out.push(breaking('ENUM_VALUE_IN_USE', path, `enum values still in use cannot be removed: ${lost.map(([v, n]) => `"${v}" (${n})`).join(', ')}`, affected));
    }
  }
  if (after.required && !before.required && total - used > 0) {
    out.push(breaking('REQUIRED_WITHOUT_VALUE', path, `cannot become required: ${total - used} stored record(s) have no value`, total - used));
  }
  if (before.multiple && !after.multiple && (usage?.multiValued ?? 0) > 0) {
    out.push(breaking('MULTIPLE_IN_USE', path, `cannot become single-valued: ${usage?.multiValued} record(s) hold several values`, usage?.multiValued));
  }
  if (after.kind === 'string' && after.maxLength !== undefined && (usage?.maxLength ?? 0) > after.maxLength) {
    out.push(breaking('MAX_LENGTH_IN_USE', path, `maxLength ${after.maxLength} is below the longest stored value (${usage?.maxLength} characters)`));
  }
  if (after.kind === 'number') {
    if (after.min !== undefined && usage?.min !== undefined && usage.min < after.min) {
      out.push(breaking('RANGE_IN_USE', path, `min ${after.min} is above the smallest stored value ${usage.min}`));
    }
    if (after.max !== undefined && usage?.max !== undefined && usage.max > after.max) {
      out.push(breaking('RANGE_IN_USE', path, `max ${after.max} is below the largest stored value ${usage.max}`));
    }
    if (after.integer && (usage?.nonInteger ?? 0) > 0) {
      out.push(breaking('INTEGER_IN_USE', path, `cannot become integer: ${usage?.nonInteger} stored value(s) have a fraction`, usage?.nonInteger));
    }
  }
}

function checkProperties(owner: string, before: PropertyDefinition[], after: PropertyDefinition[], total: number, usage: Record<string, PropertyUsage>, out: OntologyProblem[]): void {
  const next = new Map(after.map((p) => [p.name, p] as const));
  for (const old of before) {
    const now = next.get(old.name);
    const used = usage[old.name]?.count ?? 0;
    if (!now) {
      if (used > 0) out.push(breaking('PROPERTY_IN_USE', `${owner}.${old.name}`, `cannot be removed: it is set on ${used} stored record(s)`, used));
      continue;
    }
    checkProperty(owner, old, now, total, usage[old.name], out);
  }
  const known = new Set(before.map((p) => p.name));
  for (const added of after) {
    if (!known.has(added.name) && added.required && total > 0) {
      out.push(breaking('REQUIRED_WITHOUT_VALUE', `${owner}.${added.name}`, `a new required property needs a value on the ${total} stored record(s); add it as optional, fill it, then require it`, total));
    }
  }
}

/**
 * The problems that would make a change of an object type invalidate stored data: removing a
 * property still set, changing its kind or normaliser, removing enum values in use, requiring
 * a property some records lack, narrowing ranges or lengths below stored values. Additions and
 * widenings are not problems. `oldType` undefined means a new type (never breaking).
 */
export function checkTypeChange(oldType: ObjectType | undefined, newType: ObjectType, usage: TypeUsage = EMPTY_TYPE_USAGE): OntologyProblem[] {
  const out: OntologyProblem[] = [];
  if (!oldType) return out;
  checkProperties(newType.name, oldType.properties, newType.properties, usage.objects, usage.properties, out);
  return out;
}

/** As `checkTypeChange`, for link types: also end types and validity in use, and direction. */
export function checkLinkTypeChange(oldType: LinkType | undefined, newType: LinkType, usage: LinkTypeUsage = { links: 0, properties: {}, endTypes: {}, withValidity: 0 }): OntologyProblem[] {
  const out: OntologyProblem[] = [];
  if (!oldType) return out;
  checkProperties(newType.name, oldType.properties, newType.properties, usage.links, usage.properties, out);
  const allows = (end: string[], t: string) => end.includes('*') || end.includes(t);
  for (const [pair, n] of Object.entries(usage.endTypes)) {
    const [from, to] = pair.split('->');
    const ok = (allows(newType.from, from) && allows(newType.to, to)) || (!newType.directed && allows(newType.from, to) && allows(newType.to, from));
    if (!ok && n > 0) out.push(breaking('LINK_END_IN_USE', `${newType.name}.from/to`, `${n} stored link(s) go from ${from} to ${to}, which the new ends refuse`, n));
  }
  if (oldType.hasValidity && !newType.hasValidity && usage.withValidity > 0) {
    out.push(breaking('VALIDITY_IN_USE', `${newType.name}.hasValidity`, `${usage.withValidity} stored link(s) carry a validity interval`, usage.withValidity));
  }
  if (oldType.directed !== newType.directed && usage.links > 0) {
    out.push(breaking('DIRECTION_CHANGED', `${newType.name}.directed`, `changing the direction changes the meaning of ${usage.links} stored link(s)`, usage.links));
  }
  return out;
}

/** Every breaking problem between two ontology documents (types removed while in use included). */
export function checkOntologyChange(before: OntologyDocument, after: OntologyDocument, usage: OntologyUsage): OntologyProblem[] {
  const out: OntologyProblem[] = [];
  const nextObjects = new Map(after.objectTypes.map((t) => [t.name, t] as const));
  for (const t of before.objectTypes) {
    const u = usage.objectTypes[t.name] ?? EMPTY_TYPE_USAGE;
    const now = nextObjects.get(t.name);
    if (!now) {
      if (u.objects > 0) out.push(breaking('TYPE_IN_USE', t.name, `cannot be removed: ${u.objects} object(s) have this type`, u.objects));
    } else out.push(...checkTypeChange(t, now, u));
  }
  const nextLinks = new Map(after.linkTypes.map((t) => [t.name, t] as const));
  for (const l of before.linkTypes) {
    const u = usage.linkTypes[l.name];
    const now = nextLinks.get(l.name);
    if (!now) {
      if ((u?.links ?? 0) > 0) out.push(breaking('TYPE_IN_USE', l.name, `cannot be removed: ${u?.links} link(s) have this type`, u?.links));
    } else out.push(...checkLinkTypeChange(l, now, u));
  }
  return out;
}

/**
 * Applies a `type.upsert` to a document: checks the expected version, validates the resulting
 * document and refuses breaking changes (`ONTOLOGY_BREAKING_TYPE_CHANGE`, `details.problems`).
 * Returns the next document (version + 1) and whether the type is new.
 */
export function applyTypeUpsert(
  document: OntologyDocument,
  request: TypeUpsertRequest,
  usage: TypeUsage | LinkTypeUsage | undefined,
): { document: OntologyDocument; created: boolean } {
  if (request.expectedVersion !== document.version) {
    throw new OntologyException(
      OntologyExceptionCode.OntologyVersionConflict,
      `The ontology is at version ${document.version}, the change was made against version ${request.expectedVersion}; reload and retry`,
    );
  }
  let created: boolean;
  let next: unknown;
  let problems: OntologyProblem[];
  if (request.kind === 'object') {
    const old = document.objectTypes.find((t) => t.name === request.type.name);
    created = !old;
    next = { ...document, version: document.version + 1, objectTypes: old ? document.objectTypes.map((t) => (t === old ? request.type : t)) : [...document.objectTypes, request.type] };
    const validated = assertValidOntology(next);
    problems = checkTypeChange(old, findIn(validated.objectTypes, request.type.name), (usage as TypeUsage | undefined) ?? EMPTY_TYPE_USAGE);
    next = validated;
  } else {
    const old = document.linkTypes.find((t) => t.name === request.type.name);
    created = !old;
    next = { ...document, version: document.version + 1, linkTypes: old ? document.linkTypes.map((t) => (t === old ? request.type : t)) : [...document.linkTypes, request.type] };
    const validated = assertValidOntology(next);
    problems = checkLinkTypeChange(old, findIn(validated.linkTypes, request.type.name), usage as LinkTypeUsage | undefined);
    next = validated;
  }
  if (problems.length) {
    throw new OntologyException(
      OntologyExceptionCode.BreakingTypeChange,
      `Change to ${request.kind} type "${request.type.name}" refused, it would invalidate stored data: ${problems.map((p) => p.message).join('; ')}`,
      { problems },
    );
  }
  return { document: next as OntologyDocument, created };
}

function findIn<T extends { name: string }>(list: T[], name: string): T {
  const found = list.find((t) => t.name === name);
  if (!found) throw new Error(`type ${name} vanished during validation`);
  return found;
}
