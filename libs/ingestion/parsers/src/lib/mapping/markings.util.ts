import { ClassificationLevel, classificationRank, Marking, markingSchema } from '@vigie/ontology-contracts';
import { IngestionException, IngestionExceptionCode } from '@vigie/ingestion-contracts';

/** What a user holds: a clearance level and need-to-know compartments. */
export interface Clearance {
  readonly level: ClassificationLevel;
  readonly compartments: readonly string[];
}

/** The stricter of two markings: the higher level, the union of compartments. */
export function combineMarkings(a: Marking, b: Marking): Marking {
  const level = classificationRank(a.level) >= classificationRank(b.level) ? a.level : b.level;
  if (b.compartments.length === 0 && level === a.level) return a;
  if (a.compartments.length === 0 && level === b.level) return b;
  const compartments = [...new Set([...a.compartments, ...b.compartments])].sort();
  return { level, compartments };
}

/** Why a marking exceeds a clearance (`null` when it does not). */
export function markingExcess(marking: Marking, clearance: Clearance): string | null {
  const problems: string[] = [];
  if (classificationRank(marking.level) > classificationRank(clearance.level)) problems.push(`level ${marking.level} is above the clearance ${clearance.level}`);
  const missing = marking.compartments.filter((c) => !clearance.compartments.includes(c));
  if (missing.length > 0) problems.push(`compartment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not held`);
  return problems.length === 0 ? null : problems.join('; ');
}

/**
 * The markings of a job: the ones requested at upload (else the mapping's default), checked
 * against the uploader's clearance. A marking the uploader does not hold is refused with an
 * `IngestionException` naming the level or compartment — never silently lowered.
 */
export function clampMarkings(requested: Marking | undefined, clearance: Clearance, fallback?: Marking): Marking {
  const candidate = requested ?? fallback ?? { level: 'NP', compartments: [] };
  const parsed = markingSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new IngestionException(IngestionExceptionCode.InvalidMarkings, `Invalid markings: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'markings'}: ${i.message}`).join('; ')}`);
  }
  const excess = markingExcess(parsed.data, clearance);
  if (excess !== null) {
    throw new IngestionException(IngestionExceptionCode.MarkingsAboveClearance, `The job's markings exceed the uploader's clearance: ${excess}`, {
      requested: parsed.data,
      clearance: { level: clearance.level, compartments: [...clearance.compartments] },
    });
  }
  return parsed.data;
}
