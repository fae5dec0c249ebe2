import { createHash } from 'node:crypto';
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

export function normaliseMarking(marking: Marking): Marking {
  return { level: marking.level, compartments: [...new Set(marking.compartments)].sort() };
}

/**
 * Hash of what a version is about: type, markings, property values and their markings (not
 * provenance: re-ingesting the same data from another job is not a change). Equal hash → no new version.
 */
export function contentHash(input: {
  type: string;
  markings: Marking;
  properties: Record<string, PropertyEntry>;
  extra?: Record<string, unknown>;
}): string {
  const props = Object.fromEntries(Object.entries(input.properties).map(([k, e]) => [k, { v: e.value, m: normaliseMarking(e.marking) }]));
  return createHash('sha256')
    .update(canonical({ t: input.type, m: normaliseMarking(input.markings), p: props, x: input.extra ?? {} }))
    .digest('base64url');
}

function iso(d: Date | string | null): string | null {
  if (d === null || d === undefined) return null;
  return (d instanceof Date ? d : new Date(d)).toISOString();
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
