import { PropertyValue, VersionChange } from '../../lib/api-client';
import { Marking } from '../../lib/markings';

/** One line of a diff as the screen shows it: what changed, old → new, with the markings of each side. */
export interface DiffLine {
  target: VersionChange['target'];
  /** The property's name; for other targets, the target itself. */
  name: string;
  kind: 'added' | 'removed' | 'modified';
  before: string | null;
  after: string | null;
  beforeMarking: Marking | null;
  afterMarking: Marking | null;
}

export function formatPropertyValue(value: PropertyValue, number: (n: number) => string): string {
  if (Array.isArray(value)) return value.map((v) => formatPropertyValue(v, number)).join(', ');
  if (typeof value === 'number') return number(value);
  if (typeof value === 'object') return `${value.lat}, ${value.lon}`;
  return String(value);
}

function bound(value: string | null): string {
  return value ?? '…';
}

/** The diff's changes as lines, properties first (by name), then markings, state and validity. */
export function diffLines(changes: VersionChange[], number: (n: number) => string): DiffLine[] {
  const order: Record<VersionChange['target'], number> = { property: 0, markings: 1, state: 2, validity: 3 };
  const sorted = [...changes].sort((a, b) => order[a.target] - order[b.target] || (a.target === 'property' && b.target === 'property' ? a.property.localeCompare(b.property) : 0));
  return sorted.map((change): DiffLine => {
    switch (change.target) {
      case 'property':
        return {
          target: 'property',
          name: change.property,
          kind: change.kind,
          before: change.before ? formatPropertyValue(change.before.value, number) : null,
          after: change.after ? formatPropertyValue(change.after.value, number) : null,
          beforeMarking: change.before?.marking ?? null,
          afterMarking: change.after?.marking ?? null,
        };
      case 'markings':
        return { target: 'markings', name: 'markings', kind: 'modified', before: null, after: null, beforeMarking: change.before, afterMarking: change.after };
      case 'state':
        return { target: 'state', name: 'state', kind: 'modified', before: change.before, after: change.after, beforeMarking: null, afterMarking: null };
      case 'validity':
        return {
          target: 'validity',
          name: 'validity',
          kind: 'modified',
          before: `${bound(change.before.validFrom)} – ${bound(change.before.validTo)}`,
          after: `${bound(change.after.validFrom)} – ${bound(change.after.validTo)}`,
          beforeMarking: null,
          afterMarking: null,
        };
    }
  });
}

/** Every marking a diff puts on screen (for the classification banners). */
export function diffMarkings(lines: DiffLine[]): Marking[] {
  return lines.flatMap((l) => [l.beforeMarking, l.afterMarking].filter((m): m is Marking => m !== null));
}
