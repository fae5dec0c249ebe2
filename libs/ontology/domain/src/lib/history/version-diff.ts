import { Marking, PropertyEntry, VersionChange } from '@vigie/ontology-contracts';

/** The state of an object or a link at one version, as far as a diff is concerned. */
export interface VersionState {
  properties: Record<string, PropertyEntry>;
  markings: Marking;
  deletedAt: string | null;
  validFrom?: string | null;
  validTo?: string | null;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Equal as data (key order of objects and order of compartments ignored). */
function sameMarking(a: Marking, b: Marking): boolean {
  return a.level === b.level && a.compartments.length === b.compartments.length && a.compartments.every((c) => b.compartments.includes(c));
}

function sameEntry(a: PropertyEntry, b: PropertyEntry): boolean {
  return canonical(a.value) === canonical(b.value) && sameMarking(a.marking, b.marking);
}

/**
 * What changed between two versions: properties added, removed or modified (value or
 * marking; a new provenance alone is not a change), the object's markings, its state
 * (active/deleted) and, for links, the validity interval.
 */
export function diffVersions(before: VersionState, after: VersionState): VersionChange[] {
  const changes: VersionChange[] = [];
  const names = [...new Set([...Object.keys(before.properties), ...Object.keys(after.properties)])].sort();
  for (const property of names) {
    const b = before.properties[property];
    const a = after.properties[property];
    if (b && !a) changes.push({ target: 'property', property, kind: 'removed', before: b });
    else if (!b && a) changes.push({ target: 'property', property, kind: 'added', after: a });
    else if (a && b && !sameEntry(a, b)) changes.push({ target: 'property', property, kind: 'modified', before: b, after: a });
  }
  if (!sameMarking(before.markings, after.markings)) changes.push({ target: 'markings', before: before.markings, after: after.markings });
  const state = (s: VersionState) => (s.deletedAt ? 'deleted' : 'active');
  if (state(before) !== state(after)) changes.push({ target: 'state', before: state(before), after: state(after) });
  const vb = { validFrom: before.validFrom ?? null, validTo: before.validTo ?? null };
  const va = { validFrom: after.validFrom ?? null, validTo: after.validTo ?? null };
  if (vb.validFrom !== va.validFrom || vb.validTo !== va.validTo) changes.push({ target: 'validity', before: vb, after: va });
  return changes;
}

/** Names of the properties a diff touches (for `VersionSummary.changedProperties`). */
export function changedProperties(changes: VersionChange[]): string[] {
  return changes.flatMap((c) => (c.target === 'property' ? [c.property] : []));
}
