import { Actor } from '@vigie/shared-auth';
import {
  LinkType,
  Marking,
  ObjectType,
  OntologyException,
  OntologyExceptionCode,
  PropertyEntry,
  PropertyValue,
  Provenance,
} from '@vigie/ontology-contracts';
import { dominates } from '@vigie/shared-policy';
import { requireWritableMarking } from './access';
import { normaliseMarking } from '../views/object-state';

type Typed = Pick<ObjectType, 'name' | 'properties'> | Pick<LinkType, 'name' | 'properties'>;

function unknownProperty(type: Typed, name: string): OntologyException {
  const path = `${type.name}.${name}`;
  return new OntologyException(OntologyExceptionCode.InvalidProperties, `${path}: ${type.name} has no property "${name}"`, {
    problems: [{ code: 'UNKNOWN_PROPERTY', path, message: `${path}: ${type.name} has no property "${name}"` }],
  });
}

/**
 * Property entries of a new object or link: each value with its marking — the one the writer
 * gave for it, else the property's default marking, else the object's — and the write's provenance.
 */
export function newEntries(
  actor: Actor | undefined,
  type: Typed,
  values: Record<string, PropertyValue>,
  markings: Marking,
  propertyMarkings: Record<string, Marking> | undefined,
  provenance: Provenance,
): Record<string, PropertyEntry> {
  const defs = new Map(type.properties.map((p) => [p.name, p] as const));
  for (const name of Object.keys(propertyMarkings ?? {})) {
    if (!defs.has(name)) throw unknownProperty(type, name);
  }
  const out: Record<string, PropertyEntry> = {};
  for (const [name, value] of Object.entries(values)) {
    const marking = normaliseMarking(propertyMarkings?.[name] ?? defs.get(name)?.defaultMarking ?? markings);
    if (actor) requireWritableMarking(actor, marking, `${type.name}.${name}`);
    out[name] = { value, marking, provenance };
  }
  return out;
}

/**
 * Applies an update to stored entries. The writer may not touch (set, unset or re-mark) a property
 * whose current marking is above them: they cannot lower or overwrite what they cannot see.
 */
export function updatedEntries(
  actor: Actor,
  type: Typed,
  current: Record<string, PropertyEntry>,
  change: { values: Record<string, PropertyValue>; unset: string[] },
  objectMarkings: Marking,
  propertyMarkings: Record<string, Marking> | undefined,
  provenance: Provenance,
): Record<string, PropertyEntry> {
  const defs = new Map(type.properties.map((p) => [p.name, p] as const));
  const touched = new Set([...Object.keys(change.values), ...change.unset, ...Object.keys(propertyMarkings ?? {})]);
  for (const name of touched) {
    if (!defs.has(name)) throw unknownProperty(type, name);
    const existing = current[name];
    if (existing && !dominates(actor, existing.marking)) {
      throw new OntologyException(OntologyExceptionCode.MarkingAboveClearance, `${type.name}.${name}: this property is marked above your clearance; you cannot change it`);
    }
  }
  const next: Record<string, PropertyEntry> = { ...current };
  for (const name of change.unset) delete next[name];
  for (const [name, value] of Object.entries(change.values)) {
    const marking = normaliseMarking(propertyMarkings?.[name] ?? current[name]?.marking ?? defs.get(name)?.defaultMarking ?? objectMarkings);
    requireWritableMarking(actor, marking, `${type.name}.${name}`);
    next[name] = { value, marking, provenance };
  }
  for (const [name, marking] of Object.entries(propertyMarkings ?? {})) {
    if (name in change.values) continue;
    const existing = next[name];
    if (!existing) {
      const path = `${type.name}.${name}`;
      throw new OntologyException(OntologyExceptionCode.InvalidProperties, `${path}: has no value to mark`, { problems: [{ code: 'NO_VALUE', path, message: `${path}: has no value to mark` }] });
    }
    requireWritableMarking(actor, marking, `${type.name}.${name}`);
    next[name] = { ...existing, marking: normaliseMarking(marking) };
  }
  return next;
}
