import { z } from 'zod';

/**
 * Classification levels, lowest first: NP (non protégé) < DR (diffusion restreinte) < S (secret)
 * < TS (très secret). This array is the one place the order is written down; compare levels with
 * `classificationRank`.
 */
export const CLASSIFICATION_LEVELS = ['NP', 'DR', 'S', 'TS'] as const;
export type ClassificationLevel = (typeof CLASSIFICATION_LEVELS)[number];

export const classificationLevelSchema = z.enum(CLASSIFICATION_LEVELS);

/** Rank of a level in `CLASSIFICATION_LEVELS` (NP = 0 … TS = 3). */
export function classificationRank(level: ClassificationLevel): number {
  return CLASSIFICATION_LEVELS.indexOf(level);
}

/** A need-to-know compartment: lowercase letters, digits, `-` and `_`, e.g. `op-saphir`. */
export const compartmentSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'compartment must be 1-63 lowercase letters, digits, "-" or "_"');

/**
 * What a user must hold to see a thing: clearance ≥ `level` and every listed compartment.
 * Compartments are a set: duplicates are refused, order carries no meaning.
 */
export const markingSchema = z.object({
  level: classificationLevelSchema,
  compartments: z
    .array(compartmentSchema)
    .max(32)
    .default([])
    .refine((list) => new Set(list).size === list.length, 'compartments must not repeat'),
});
export type Marking = z.infer<typeof markingSchema>;

/** The marking of data nobody marked: NP, no compartment. */
export const UNMARKED: Readonly<Marking> = Object.freeze({ level: 'NP', compartments: [] as string[] });
