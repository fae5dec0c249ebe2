import { CLASSIFICATION_LEVELS, ClassificationLevel, markingsFilter, PolicySubject } from '@vigie/shared-policy';
import type { Marking } from '@vigie/ontology-contracts';
import { Params } from '../db/analytics-db';

/** Who is reading: the part of the verified actor the need-to-know filter uses. */
export type Viewer = Pick<PolicySubject, 'tenant' | 'clearance' | 'compartments'>;

/**
 * The need-to-know predicate of `@vigie/shared-policy` on one table alias (rank-encoded levels),
 * appended to `p`: tenant = viewer's AND level ≤ clearance AND compartments ⊆ viewer's.
 */
export function visibleSql(p: Params, viewer: Viewer, alias: string, level = 'level', compartments = 'compartments'): string {
  return p.fragment(
    markingsFilter(viewer, { tenant: `${alias}.tenant`, level: `${alias}.${level}`, compartments: `${alias}.${compartments}`, levelEncoding: 'rank' }),
  );
}

/** A stored marking back in the contracts' shape. */
export function markingOf(level: number, compartments: string[] | null): Marking {
  const name = CLASSIFICATION_LEVELS[level] as ClassificationLevel | undefined;
  if (!name) throw new RangeError(`Stored level ${level} is not a classification rank`);
  return { level: name, compartments: [...(compartments ?? [])].sort() };
}
