import { levelRank, markingsFilter, PolicySubject, SqlFragment } from '@vigie/shared-policy';
import { CLASSIFICATION_LEVELS, ClassificationLevel, Marking } from '@vigie/ontology-contracts';
import { pgArray } from './ontology-database';

/** What a reader may see: the part of the verified actor the markings filter uses. */
export type ReaderScope = Pick<PolicySubject, 'tenant' | 'clearance' | 'compartments'>;

/** The need-to-know predicate of `@vigie/shared-policy` on a table aliased `alias` (tenant, level rank, compartments). */
export function visibleRow(scope: ReaderScope, alias: string): SqlFragment {
  return markingsFilter(scope, { tenant: `${alias}.tenant`, level: `${alias}.level_rank`, compartments: `${alias}.compartments`, levelEncoding: 'rank' });
}

/** Parameters of the SQL functions `visible_properties(props, max_rank, held)` / `entry_visible(...)`. */
export function propertyScope(scope: ReaderScope): [number, string] {
  return [levelRank(scope.clearance), pgArray([...new Set(scope.compartments)].sort())];
}

export function rankOf(level: ClassificationLevel): number {
  return levelRank(level);
}

export function levelOf(rank: number): ClassificationLevel {
  const level = CLASSIFICATION_LEVELS[rank];
  if (!level) throw new RangeError(`stored level rank ${rank} is not 0..3`);
  return level;
}

export function markingOf(rank: number, compartments: readonly string[] | null): Marking {
  return { level: levelOf(rank), compartments: [...(compartments ?? [])].sort() };
}
