/**
 * Classification levels, lowest first: NP (non protégé) < DR (diffusion restreinte) < S (secret)
 * < TS (très secret). The same order as `@vigie/ontology-contracts`; compare with {@link levelRank}.
 */
export const CLASSIFICATION_LEVELS = ['NP', 'DR', 'S', 'TS'] as const;
export type ClassificationLevel = (typeof CLASSIFICATION_LEVELS)[number];

/** A need-to-know compartment name: lowercase letters, digits, `-` and `_` (e.g. `op-saphir`). */
export const COMPARTMENT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** What a user must hold to see a thing: clearance ≥ `level` and every listed compartment. */
export interface Markings {
  level: ClassificationLevel;
  compartments: readonly string[];
}

/** A marked thing of one tenant (object, link, property value, export…). */
export interface MarkedResource extends Markings {
  tenant: string;
}

export function isClassificationLevel(value: unknown): value is ClassificationLevel {
  return typeof value === 'string' && (CLASSIFICATION_LEVELS as readonly string[]).includes(value);
}

/** Rank of a level (NP = 0 … TS = 3). Throws on anything else, so a typo never ranks as NP. */
export function levelRank(level: ClassificationLevel): number {
  const rank = CLASSIFICATION_LEVELS.indexOf(level);
  if (rank < 0) throw new RangeError(`Unknown classification level "${String(level)}"; expected one of ${CLASSIFICATION_LEVELS.join(', ')}`);
  return rank;
}

/** Levels a holder of `clearance` may see, lowest first (`S` → NP, DR, S). */
export function levelsUpTo(clearance: ClassificationLevel): ClassificationLevel[] {
  return CLASSIFICATION_LEVELS.slice(0, levelRank(clearance) + 1);
}

/** True when every compartment of `required` is in `held` (the empty set is a subset of everything). */
export function isSubset(required: readonly string[], held: readonly string[]): boolean {
  if (required.length === 0) return true;
  const set = new Set(held);
  return required.every((c) => set.has(c));
}

/** Need-to-know: clearance ≥ level and compartments ⊆ the holder's. Tenancy is checked by `can`. */
export function dominates(holder: { clearance: ClassificationLevel; compartments: readonly string[] }, markings: Markings): boolean {
  return levelRank(holder.clearance) >= levelRank(markings.level) && isSubset(markings.compartments, holder.compartments);
}
