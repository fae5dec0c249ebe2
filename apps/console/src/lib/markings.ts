/** Classification levels in order (NP < DR < S < TS) and helpers for banners and badges. */
export const LEVELS = ['NP', 'DR', 'S', 'TS'] as const;
export type Level = (typeof LEVELS)[number];

export interface Marking {
  level: Level;
  compartments: string[];
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

export function compareLevels(a: Level, b: Level): number {
  return LEVELS.indexOf(a) - LEVELS.indexOf(b);
}

/**
 * The marking of everything shown together: the highest level, and every compartment of
 * every marking (a screen showing Saphir and Rubis items is Saphir + Rubis). Nothing shown → NP.
 */
export function combineMarkings(markings: Iterable<Marking>): Marking {
  let level: Level = 'NP';
  const compartments = new Set<string>();
  for (const marking of markings) {
    if (compareLevels(marking.level, level) > 0) level = marking.level;
    for (const compartment of marking.compartments) compartments.add(compartment);
  }
  return { level, compartments: [...compartments].sort() };
}

/** Stable text form, also used as a key: `S//OP-SAPHIR/CYBER`. */
export function markingKey(marking: Marking): string {
  return marking.compartments.length ? `${marking.level}//${marking.compartments.map((c) => c.toUpperCase()).join('/')}` : marking.level;
}
