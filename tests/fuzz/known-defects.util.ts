/**
 * Defects found by this fuzzing and reported (not ours to fix here): inputs that hit one are
 * counted under `known-defect:<id>` instead of failing the run, and a pinned test (parsers.fuzz.spec.ts) checks
 * that each still reproduces — when it is fixed, that test fails: delete the entry.
 */
export const KNOWN_DEFECTS = [
  {
    id: 'mapping-yaml-alias',
    what: 'compileMapping throws (ReferenceError) on a YAML alias it cannot resolve ("*y" without "&y", or more aliases than maxAliasCount) instead of returning an error; through the gateway, POST /api/v1/ingest/mappings/validate answers 500',
    matches: (error: unknown) => error instanceof ReferenceError && /alias/i.test(error.message),
  },
] as const;

export function knownDefect(error: unknown): string | undefined {
  return KNOWN_DEFECTS.find((d) => d.matches(error))?.id;
}

