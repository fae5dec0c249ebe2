import { NameToken } from './name-normaliser';
import { leadClass } from './phonetic-key';
import { PreparedRecord } from './resolution-record';

/**
 * The first sounds a token may be blocked under: its phonetic lead, and the class of its first
 * letter alone, so that an initial (`C.`) meets the name it abbreviates (`Charles`, lead S).
 */
function leads(token: NameToken): string[] {
  const first = token.text[0];
  const alone = first === 'c' ? ['K', 'S'] : [leadClass(first)];
  return [...new Set([token.lead, ...alone])];
}

/** How many tokens of one name take part in blocking (long names add little and cost pairs). */
const MAX_BLOCKING_TOKENS = 4;

/**
 * Blocking keys of a record. Two records are compared only if they share a key, so candidate
 * generation grows with block sizes instead of n²:
 * - `id:<kind>:<value>` for each identifier (strong or weak);
 * - `n:<lead>|<key>` for each ordered pair of distinct name tokens: the first sound of one
 *   token with the phonetic key of another. Order-insensitive (both orders are emitted), robust
 *   to a typo in either token (the other pair survives), to initials (`J. Dupont`: J|TBNT) and
 *   to transliteration (keys are phonetic);
 * - `p:<lead>|<3 letters>` when the name has an initial (`H. Roussdel` meets `Hugo Roussel`);
 * - `s:<key>` for a name of one token.
 * Keys are taken from the name as written and with its particles glued (`Ben Ali` / `Benali`).
 */
export function blockingKeys(record: PreparedRecord): readonly string[] {
  // A prepared record is never changed: its keys are computed once (the resolver and its caller both ask).
  let keys = keysOf.get(record);
  if (!keys) {
    keys = computeBlockingKeys(record);
    keysOf.set(record, keys);
  }
  return keys;
}

const keysOf = new WeakMap<PreparedRecord, readonly string[]>();

function computeBlockingKeys(record: PreparedRecord): readonly string[] {
  const keys = new Set<string>();
  for (const map of [record.strong, record.weak]) {
    for (const [kind, values] of map) for (const v of values) keys.add(`id:${kind}:${v}`);
  }
  for (const name of record.names) {
    const hasInitial = name.tokens.some((t) => t.initial);
    for (const variant of name.variants.slice(0, 2)) {
      const tokens = variant.slice(0, MAX_BLOCKING_TOKENS);
      if (tokens.length === 1 && tokens[0].key) keys.add(`s:${tokens[0].key}`);
      for (let i = 0; i < tokens.length; i++) {
        for (let j = 0; j < tokens.length; j++) {
          if (i === j || tokens[j].initial) continue;
          const key = tokens[j].key || tokens[j].text;
          for (const lead of leads(tokens[i])) {
            keys.add(`n:${lead}|${key}`);
            // With an initial, the other token is the only evidence: a typo in it must not lose the pair.
            if (hasInitial) keys.add(`p:${lead}|${tokens[j].text.slice(0, 3)}`);
          }
        }
      }
    }
  }
  return [...keys];
}

export interface BlockingOptions {
  /** Blocks larger than this are split by birth year; records without one are left out of the split block. */
  maxBlockSize?: number;
  /**
   * Only pairs with at least one of these records (indexes into `records`): the records being
   * resolved, against each other and against candidates already stored — pairs of two stored
   * records were compared when the later of them was written.
   */
  anchors?: ReadonlySet<number>;
}

export interface BlockingStats {
  blocks: number;
  /** Blocks that were too large and were split by birth year. */
  oversizedBlocks: number;
  /** Distinct pairs to compare. */
  candidatePairs: number;
  /** n(n-1)/2. */
  totalPairs: number;
  /** 1 − candidatePairs / totalPairs. */
  reductionRatio: number;
}

/**
 * Candidate pairs (indexes into `records`, i < j) from shared blocking keys, deduplicated.
 */
export function candidatePairs(records: PreparedRecord[], options: BlockingOptions = {}): { pairs: Uint32Array; stats: BlockingStats } {
  const maxBlock = options.maxBlockSize ?? 300;
  const anchors = options.anchors;
  const blocks = new Map<string, number[]>();
  records.forEach((r, idx) => {
    for (const key of blockingKeys(r)) {
      const list = blocks.get(key);
      if (list) list.push(idx);
      else blocks.set(key, [idx]);
    }
  });
  let oversized = 0;
  const groups: number[][] = [];
  for (const members of blocks.values()) {
    if (members.length < 2) continue;
    if (members.length <= maxBlock) {
      groups.push(members);
      continue;
    }
    oversized++;
    const byYear = new Map<number, number[]>();
    for (const idx of members) {
      const y = records[idx].birthDate?.y;
      if (y === undefined) continue;
      const list = byYear.get(y);
      if (list) list.push(idx);
      else byYear.set(y, [idx]);
    }
    for (const sub of byYear.values()) if (sub.length >= 2) groups.push(sub.length > maxBlock ? sub.slice(0, maxBlock) : sub);
  }
  const n = records.length;
  const seen = new Set<number>();
  const out: number[] = [];
  for (const g of groups) {
    for (let x = 0; x < g.length; x++) {
      for (let y = x + 1; y < g.length; y++) {
        if (anchors && !anchors.has(g[x]) && !anchors.has(g[y])) continue;
        const i = Math.min(g[x], g[y]);
        const j = Math.max(g[x], g[y]);
        const code = i * n + j;
        if (seen.has(code)) continue;
        seen.add(code);
        out.push(i, j);
      }
    }
  }
  const totalPairs = (n * (n - 1)) / 2;
  const candidate = out.length / 2;
  return {
    pairs: Uint32Array.from(out),
    stats: {
      blocks: groups.length,
      oversizedBlocks: oversized,
      candidatePairs: candidate,
      totalPairs,
      reductionRatio: totalPairs ? 1 - candidate / totalPairs : 0,
    },
  };
}
