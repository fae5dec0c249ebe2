import { randomUUID } from 'node:crypto';
import type { LinkView, Marking, ObjectView, PropertyEntry } from '@vigie/ontology-contracts';

/** Builders of ONTOLOGY event states for tests (the ontology publishes these shapes). */
export const NP: Marking = { level: 'NP', compartments: [] };
export const mark = (level: Marking['level'], ...compartments: string[]): Marking => ({ level, compartments });

const provenance = { source: 'test' };
const at = '2026-01-01T00:00:00.000Z';

export type PropInput = PropertyEntry['value'] | { value: PropertyEntry['value']; marking: Marking };

export function objectView(input: {
  id?: string;
  type: string;
  title?: string | null;
  markings?: Marking;
  properties?: Record<string, PropInput>;
  version?: number;
  deleted?: boolean;
}): ObjectView {
  const markings = input.markings ?? NP;
  const properties: Record<string, PropertyEntry> = {};
  for (const [name, v] of Object.entries(input.properties ?? {})) {
    const entry = typeof v === 'object' && v !== null && !Array.isArray(v) && 'marking' in v ? v : { value: v as PropertyEntry['value'], marking: NP };
    properties[name] = { value: entry.value, marking: entry.marking, provenance };
  }
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    version: input.version ?? 1,
    title: input.title ?? null,
    markings,
    provenance,
    properties,
    entityId: null,
    createdAt: at,
    updatedAt: at,
    deletedAt: input.deleted ? at : null,
  };
}

export function linkView(input: {
  id?: string;
  type: string;
  fromId: string;
  toId: string;
  directed?: boolean;
  markings?: Marking;
  version?: number;
  validFrom?: string | null;
  validTo?: string | null;
  deleted?: boolean;
}): LinkView {
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    fromId: input.fromId,
    toId: input.toId,
    directed: input.directed ?? false,
    version: input.version ?? 1,
    markings: input.markings ?? NP,
    provenance,
    properties: {},
    validFrom: input.validFrom ?? null,
    validTo: input.validTo ?? null,
    createdAt: at,
    updatedAt: at,
    deletedAt: input.deleted ? at : null,
  };
}
