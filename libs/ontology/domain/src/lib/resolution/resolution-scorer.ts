import { ResolutionReason } from '@vigie/ontology-contracts';
import { classifyBirthDates, compareBirthDates } from './date-similarity';
import { compareNameLists, compareNames, nameListSimilarity } from './name-similarity';
import { NameFrequencies, nameFrequency } from './name-frequency';
import { prepareRecord, PreparedRecord, ResolutionRecord } from './resolution-record';

/**
 * Scoring in the Fellegi-Sunter manner: each feature adds a log-odds weight (positive when it
 * makes a match more likely), the sum goes through a logistic to give a score in 0..1. The
 * reasons list every weight with a readable detail, so a merge can be explained and audited.
 */
export const SCORE_WEIGHTS = {
  /** Prior: two records that share a block are, by default, not the same entity. */
  prior: -3.7,
  /** Same strong identifier (passport, national ID, IBAN …). */
  strongIdentifierShared: 8,
  /** Both hold a strong identifier of the same kind and none is shared. */
  strongIdentifierDiffers: -2,
  /** Same weak identifier, per kind: people share phones (a family, a company line). */
  weakIdentifierShared: { email: 3, phone: 1.5, default: 1 } as Readonly<Record<string, number>>,
  placeSame: 1,
  /**
   * When names agree: `frequencyBase − ln(records carrying the name)`, bounded to
   * [−frequencyMaxPenalty, frequencyMaxBonus]. A name carried by one or two records gains a
   * little; one carried by dozens (many homonyms) loses up to 3.
   */
  frequencyBase: 1.5,
  frequencyMaxBonus: 1.5,
  frequencyMaxPenalty: 3,
  placeDifferent: -1.5,
  genderDifferent: -6,
  /**
   * Ceiling of the log-odds of a pair whose full birth dates differ by one digit or one day
   * (ADR 0006, "review, never auto-merge"): logistic(2) ≈ 0.88, inside the default review band
   * [0.6, 0.9). A typo is likely, another person with a near date is possible: a reviewer decides.
   */
  nearBirthDateCap: 2,
  /**
   * Ceiling of the log-odds of a pair whose only evidence is its names — no identifier, birth
   * date or place agrees (ADR 0006 amendment 6, "names alone: review"): the same ≈ 0.88. A rare
   * name gains from its frequency, and a phonetic key drops vowels: without this cap, two people
   * with rare names that sound alike were merged automatically on the name alone (142,018 of the
   * 5,000,000 generated people of the ingestion benchmark).
   */
  namesOnlyCap: 2,
} as const;

/** Log-odds of the name evidence as a function of name similarity (piecewise linear). */
const NAME_CURVE: ReadonlyArray<readonly [number, number]> = [
  [0, -8], [0.5, -6], [0.7, -2], [0.8, 1], [0.85, 2.5], [0.9, 4], [0.95, 5], [1, 5.8],
];

/**
 * The least name similarity whose name evidence (curve weight, rounded, plus the frequency bonus
 * when `withFrequencies` and the names agree at 0.9 or more) can reach `logOdds`: every lower
 * similarity falls short of it by more than rounding. Infinity when no similarity reaches it.
 */
export function leastNameSimilarity(logOdds: number, withFrequencies: boolean): number {
  // Asked for every pair, nearly always with the same arguments (the prior alone besides the names): the last answer is kept.
  if (logOdds === lastLeast.logOdds && withFrequencies === lastLeast.withFrequencies) return lastLeast.similarity;
  const similarity = computeLeastNameSimilarity(logOdds, withFrequencies);
  lastLeast = { logOdds, withFrequencies, similarity };
  return similarity;
}

let lastLeast = { logOdds: NaN, withFrequencies: false, similarity: 0 };

function computeLeastNameSimilarity(logOdds: number, withFrequencies: boolean): number {
  // Rounding adds at most 0.005 to the curve weight: aim 0.01 lower, so that what is cut is below by at least 0.005.
  const target = logOdds - 0.01;
  const inverse = (y: number): number => {
    if (y <= NAME_CURVE[0][1]) return 0;
    for (let k = 1; k < NAME_CURVE.length; k++) {
      const [x1, y1] = NAME_CURVE[k];
      if (y <= y1) {
        const [x0, y0] = NAME_CURVE[k - 1];
        return Math.max(x0, x0 + ((y - y0) / (y1 - y0)) * (x1 - x0) - 1e-9);
      }
    }
    return Infinity;
  };
  const plain = inverse(target);
  return withFrequencies ? Math.min(plain, Math.max(0.9, inverse(target - SCORE_WEIGHTS.frequencyMaxBonus))) : plain;
}

export function nameWeight(similarity: number): number {
  for (let k = 1; k < NAME_CURVE.length; k++) {
    const [x1, y1] = NAME_CURVE[k];
    if (similarity <= x1) {
      const [x0, y0] = NAME_CURVE[k - 1];
      return y0 + ((similarity - x0) / (x1 - x0)) * (y1 - y0);
    }
  }
  return NAME_CURVE[NAME_CURVE.length - 1][1];
}

export interface PairScore {
  /** Probability-like score 0..1 (logistic of `logOdds`). */
  score: number;
  logOdds: number;
  reasons: ResolutionReason[];
  /**
   * True when the pair may be reviewed but never merged automatically, whatever the thresholds:
   * full birth dates that differ by one digit or one day (score capped at
   * `SCORE_WEIGHTS.nearBirthDateCap` log-odds), or names as the only evidence — nothing else
   * agrees (capped at `SCORE_WEIGHTS.namesOnlyCap`).
   */
  reviewOnly: boolean;
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Scores a pair of prepared records. `explain: false` computes the score only (no reasons, no
 * strings) — the resolver's fast path for the many pairs that end below the review band.
 */
export function scorePrepared(a: PreparedRecord, b: PreparedRecord, frequencies?: NameFrequencies, explain = true): PairScore {
  return scoreCore(a, b, frequencies, explain, undefined) as PairScore;
}

/**
 * Most log-odds the name evidence can add: the top of the name curve plus the largest
 * name-frequency bonus (given only to names that agree at 0.9 or more).
 */
const NAME_MAX_LOG_ODDS = NAME_CURVE[NAME_CURVE.length - 1][1] + SCORE_WEIGHTS.frequencyMaxBonus;

/**
 * `scorePrepared(a, b, frequencies, false)` for a caller that only wants pairs scoring at least
 * `minScore`: undefined when the pair cannot reach it whatever its names — every other feature
 * is weighed first (identifiers, birth dates, place, gender: cheap), and the names (the costly
 * part) only when their best possible weight could lift the pair to `minScore`. A pair it
 * returns has exactly the score `scorePrepared` gives; a pair it drops scores below `minScore`.
 */
export function scoreReaching(a: PreparedRecord, b: PreparedRecord, minScore: number, frequencies?: NameFrequencies): PairScore | undefined {
  return scoreCore(a, b, frequencies, false, minScore);
}

function scoreCore(a: PreparedRecord, b: PreparedRecord, frequencies: NameFrequencies | undefined, explain: boolean, minScore: number | undefined): PairScore | undefined {
  const reasons: ResolutionReason[] = [];
  let logOdds = 0;
  const add = (feature: string, weight: number, detail: () => string) => {
    logOdds += weight;
    if (explain) reasons.push({ feature, weight, detail: detail() });
  };
  add('prior', SCORE_WEIGHTS.prior, () => 'two records are different entities unless evidence says otherwise');
  // Evidence other than the names that speaks for the match: an identifier shared, birth dates or places that agree.
  let corroborated = false;

  for (const [kind, values] of a.strong) {
    const other = b.strong.get(kind);
    if (!other) continue;
    const shared = [...values].find((v) => other.has(v));
    if (shared !== undefined) {
      corroborated = true;
      add(`identifier:${kind}`, SCORE_WEIGHTS.strongIdentifierShared, () => `same ${kind} ${shared}`);
    } else add(`identifier:${kind}`, SCORE_WEIGHTS.strongIdentifierDiffers, () => `different ${kind} numbers`);
  }
  for (const [kind, values] of a.weak) {
    const other = b.weak.get(kind);
    if (!other) continue;
    const shared = [...values].find((v) => other.has(v));
    if (shared !== undefined) {
      corroborated = true;
      const w = SCORE_WEIGHTS.weakIdentifierShared[kind] ?? SCORE_WEIGHTS.weakIdentifierShared['default'];
      add(`identifier:${kind}`, w, () => `share ${kind} ${shared} (weak evidence: ${kind}s are shared)`);
    }
  }

  const hasNames = a.names.length > 0 && b.names.length > 0;
  const dates = classifyBirthDates(a.birthDate, b.birthDate);
  const placeSimilarity = a.place && b.place ? compareNames(a.place, b.place, false).similarity : undefined;
  const placeWeight = placeSimilarity === undefined ? 0 : placeSimilarity >= 0.9 ? SCORE_WEIGHTS.placeSame : placeSimilarity < 0.75 ? SCORE_WEIGHTS.placeDifferent : 0;
  const genderWeight = a.gender && b.gender && a.gender !== b.gender ? SCORE_WEIGHTS.genderDifferent : 0;
  // Names the pair needs to reach `minScore` (scoreReaching): below this similarity it cannot.
  let leastSimilarity = -Infinity;
  if (minScore !== undefined) {
    // The best the pair can do: everything but the names as it is, the names at their best. A
    // small margin keeps the bound above the score whatever the order of the additions.
    const others = logOdds + (dates.category !== 'missing' ? dates.weight : 0) + placeWeight + genderWeight;
    const best = others + (hasNames ? NAME_MAX_LOG_ODDS : 0) + 1e-9;
    if (1 / (1 + Math.exp(-best)) < minScore) return undefined;
    // The log-odds the names must bring, and the least similarity that brings them.
    if (hasNames && minScore > 0 && minScore < 1) leastSimilarity = leastNameSimilarity(Math.log(minScore / (1 - minScore)) - others - 1e-6, frequencies !== undefined);
  }

  if (hasNames) {
    const names = explain ? compareNameLists(a.names, b.names, true) : { similarity: nameListSimilarity(a.names, b.names, leastSimilarity), notes: [] };
    if (names.similarity < leastSimilarity) return undefined;
    add('name', round(nameWeight(names.similarity)), () => `name similarity ${names.similarity.toFixed(2)}${names.notes.length ? ` (${names.notes.join('; ')})` : ''}`);
    if (frequencies && names.similarity >= 0.9) {
      // The commoner of the two spellings decides (a typo makes a spelling look rare).
      const count = Math.max(nameFrequency(frequencies, a), nameFrequency(frequencies, b));
      const raw = SCORE_WEIGHTS.frequencyBase - Math.log(count);
      const w = round(Math.max(-SCORE_WEIGHTS.frequencyMaxPenalty, Math.min(SCORE_WEIGHTS.frequencyMaxBonus, raw)));
      if (w !== 0) {
        add('nameFrequency', w, () => `${count} record(s) carry this name: ${w > 0 ? 'agreeing on it is stronger evidence' : 'homonyms are likely'}`);
      }
    }
  }

  if (dates.category !== 'missing') add('birthDate', dates.weight, () => compareBirthDates(a.birthDate, b.birthDate).detail);
  if (dates.category !== 'missing' && dates.weight > 0) corroborated = true;

  if (placeSimilarity !== undefined) {
    const p = placeSimilarity;
    if (p >= 0.9) {
      corroborated = true;
      add('place', SCORE_WEIGHTS.placeSame, () => `same place (${p.toFixed(2)})`);
    } else if (p < 0.75) add('place', SCORE_WEIGHTS.placeDifferent, () => `different places (${p.toFixed(2)})`);
  }
  if (genderWeight) {
    add('gender', SCORE_WEIGHTS.genderDifferent, () => `different genders (${a.gender} / ${b.gender})`);
  }
  const nearDates = dates.category === 'one-digit';
  if (nearDates && logOdds > SCORE_WEIGHTS.nearBirthDateCap) {
    const cut = SCORE_WEIGHTS.nearBirthDateCap - logOdds;
    add('birthDatePolicy', round(cut), () => 'full birth dates differ by one digit or one day: a possible typo, never merged automatically (review)');
  }
  const namesOnly = hasNames && !corroborated;
  if (namesOnly && logOdds > SCORE_WEIGHTS.namesOnlyCap) {
    const cut = SCORE_WEIGHTS.namesOnlyCap - logOdds;
    add('namesOnlyPolicy', round(cut), () => 'only the names agree (no identifier, birth date or place): never merged automatically (review)');
  }
  return { score: 1 / (1 + Math.exp(-logOdds)), logOdds: round(logOdds), reasons, reviewOnly: nearDates || namesOnly };
}

/**
 * Scores two records: `score` 0..1 and the reasons (feature, weight, detail). Pass name
 * frequencies (`buildNameFrequencies` over the tenant's records) to weigh common names less.
 */
export function scorePair(a: ResolutionRecord, b: ResolutionRecord, frequencies?: NameFrequencies): PairScore {
  return scorePrepared(prepareRecord(a), prepareRecord(b), frequencies);
}
