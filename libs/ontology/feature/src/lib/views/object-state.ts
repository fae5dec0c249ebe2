import { hash } from 'node:crypto';
import {
  LinkView,
  Marking,
  ObjectType,
  ObjectView,
  PropertyEntry,
  PropertyValue,
  VersionChange,
} from '@vigie/ontology-contracts';
import { LinkRow, markingOf, ObjectRow, VersionSnapshot } from '@vigie/ontology-data-access';
import { diffVersions, VersionState } from '@vigie/ontology-domain';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** True when the compartments are strictly increasing (sorted, no repeat): already normal. */
function isNormal(compartments: readonly string[]): boolean {
  for (let i = 1; i < compartments.length; i++) if (!(compartments[i - 1] < compartments[i])) return false;
  return true;
}

/** The marking with its compartments sorted and deduplicated (a new object; already-normal compartments are copied, not re-sorted). */
export function normaliseMarking(marking: Marking): Marking {
  const c = marking.compartments;
  return { level: marking.level, compartments: isNormal(c) ? c.slice() : [...new Set(c)].sort() };
}

/** The canonical text of a marking as `canonical(normaliseMarking(m))` writes it, without building the normalised marking when it is already normal. */
function canonicalMarking(m: Marking): string {
  if (m.level === undefined) return canonical(normaliseMarking(m));
  const compartments = isNormal(m.compartments) ? m.compartments : normaliseMarking(m).compartments;
  return `{"compartments":${canonical(compartments)},"level":${JSON.stringify(m.level)}}`;
}

/**
 * Hash of what a version is about: type, markings, property values and their markings (not
 * provenance: re-ingesting the same data from another job is not a change). Equal hash → no new version.
 *
 * The hashed text is `canonical({ t: type, m: normaliseMarking(markings), p: { [name]: { v: value, m: normaliseMarking(marking) } }, x: extra ?? {} })`
 * — stored hashes depend on it byte for byte — written here directly (one string, no intermediate
 * objects: the ingest path hashes every record).
 */
export function contentHash(input: {
  type: string;
  markings: Marking;
  properties: Record<string, PropertyEntry>;
  extra?: Record<string, unknown>;
}): string {
  const names = Object.keys(input.properties).sort();
  let props = '';
  for (const name of names) {
    const e = input.properties[name];
    const v = e.value === undefined ? '' : `,"v":${canonical(e.value)}`;
    props += `${props ? ',' : ''}${JSON.stringify(name)}:{"m":${canonicalMarking(e.marking)}${v}}`;
  }
  // One-shot hash (no Hash object per record).
  return hash('sha256', `{"m":${canonicalMarking(input.markings)},"p":{${props}},"t":${canonical(input.type)},"x":${canonical(input.extra ?? {})}}`, 'base64url');
}

/** The last timestamp formatted: rows written together share their timestamps (one `now()` per transaction). */
let lastIso: { ms: number; text: string } | undefined;

function iso(d: Date | string | null): string | null {
  if (d === null || d === undefined) return null;
  const date = d instanceof Date ? d : new Date(d);
  const ms = date.getTime();
  if (lastIso?.ms !== ms) lastIso = { ms, text: date.toISOString() };
  return lastIso.text;
}

function titleOf(type: ObjectType | undefined, properties: Record<string, PropertyEntry>): string | null {
  if (!type) return null;
  const value: PropertyValue | undefined = properties[type.titleProperty]?.value;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : typeof first === 'number' || typeof first === 'boolean' ? String(first) : null;
}

/** The contract view of an object row (whose `properties` were already filtered for the reader, or are complete for events). */
export function toObjectView(row: ObjectRow, type: ObjectType | undefined): ObjectView {
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    title: titleOf(type, row.properties),
    markings: markingOf(row.level_rank, row.compartments),
    provenance: row.provenance,
    properties: row.properties,
    entityId: row.entity_id,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    deletedAt: iso(row.deleted_at),
  };
}

export function toLinkView(row: LinkRow): LinkView {
  return {
    id: row.id,
    type: row.type,
    fromId: row.from_id,
    toId: row.to_id,
    directed: row.directed,
    version: row.version,
    markings: markingOf(row.level_rank, row.compartments),
    provenance: row.provenance,
    properties: row.properties,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    deletedAt: iso(row.deleted_at),
  };
}

/** The history snapshot of a row's state. */
export function objectSnapshot(row: ObjectRow): VersionSnapshot {
  return {
    type: row.type,
    properties: row.properties,
    markings: markingOf(row.level_rank, row.compartments),
    deletedAt: iso(row.deleted_at),
    entityId: row.entity_id,
  };
}

export function linkSnapshot(row: LinkRow): VersionSnapshot {
  return {
    type: row.type,
    properties: row.properties,
    markings: markingOf(row.level_rank, row.compartments),
    deletedAt: iso(row.deleted_at),
    fromId: row.from_id,
    toId: row.to_id,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  };
}

export function snapshotState(s: VersionSnapshot, withValidity = false): VersionState {
  return {
    properties: s.properties,
    markings: normaliseMarking(s.markings as Marking),
    deletedAt: s.deletedAt ? iso(s.deletedAt) : null,
    ...(withValidity ? { validFrom: s.validFrom ?? null, validTo: s.validTo ?? null } : {}),
  };
}

/** Changes between two snapshots (already filtered for the reader). */
export function diffSnapshots(before: VersionSnapshot, after: VersionSnapshot, withValidity = false): VersionChange[] {
  return diffVersions(snapshotState(before, withValidity), snapshotState(after, withValidity));
}
