/**
 * Defects found by this fuzzing and reported (not ours to fix here): inputs that hit one are
 * counted under `known-defect:<id>` instead of failing the run, and a pinned test (parsers.fuzz.spec.ts) checks
 * that each still reproduces — when it is fixed, that test fails: delete the entry.
 */
export const KNOWN_DEFECTS: readonly { id: string; what: string; matches: (error: unknown) => boolean }[] = [];

export function knownDefect(error: unknown): string | undefined {
  return KNOWN_DEFECTS.find((d) => d.matches(error))?.id;
}

