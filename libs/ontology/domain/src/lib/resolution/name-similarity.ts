import { NameToken, NormalisedName } from './name-normaliser';
import { leadClass } from './phonetic-key';
import { jaroWinkler, oneEditApart } from './string-similarity';

export interface TokenMatch {
  similarity: number;
  how: 'exact' | 'initial' | 'phonetic' | 'skeleton' | 'typo' | 'fuzzy' | 'none';
}

function computeTokenMatch(a: NameToken, b: NameToken): TokenMatch {
  if (a.text === b.text) return { similarity: 1, how: 'exact' };
  if (a.initial || b.initial) {
    // `W.` stands for Vladimir as well as for Wladimir: the first letter or its sound class must agree.
    const agrees = a.text[0] === b.text[0] || leadClass(a.text[0]) === leadClass(b.text[0]);
    return agrees ? { similarity: 0.82, how: 'initial' } : { similarity: 0, how: 'none' };
  }
  const jw = jaroWinkler(a.text, b.text);
  if (a.vowelless || b.vowelless) {
    // Arabic script without short vowels: only the consonant skeleton can be compared.
    if (a.key && a.key === b.key) return { similarity: 0.95, how: 'skeleton' };
    const skeleton = a.key && b.key ? 0.9 * jaroWinkler(a.key, b.key) : 0;
    return skeleton > jw ? { similarity: skeleton, how: 'skeleton' } : { similarity: jw, how: 'fuzzy' };
  }
  if (a.key && a.key === b.key && (a.key.length >= 2 || jw >= 0.75)) {
    return { similarity: Math.max(jw, (1 + jw) / 2), how: 'phonetic' };
  }
  if (Math.min(a.text.length, b.text.length) >= 4 && oneEditApart(a.text, b.text)) {
    return { similarity: Math.max(jw, 0.9), how: 'typo' };
  }
  return { similarity: jw, how: jw >= 0.85 ? 'fuzzy' : 'none' };
}

// Names are Zipf-distributed: the same token pairs come back again and again. The comparison is
// pure and tokens are memoised with an id, so results are cached by the pair of ids (bounded):
// by the smaller id, then the larger — small-integer keys, no number boxed per lookup.
const MATCH_CACHE_LIMIT = 200_000; // ≈ 20 MB at most in a long-running service
const ID_SPACE = 2 ** 26;
const matchCache = new Map<number, Map<number, TokenMatch>>();
let matchCacheSize = 0;
const EXACT: TokenMatch = Object.freeze({ similarity: 1, how: 'exact' });

/** Similarity of two name tokens, with how they matched. */
export function compareTokens(a: NameToken, b: NameToken): TokenMatch {
  if (a.text === b.text) return EXACT;
  if (a.id >= ID_SPACE || b.id >= ID_SPACE) return computeTokenMatch(a, b);
  const lo = a.id < b.id ? a.id : b.id;
  const hi = a.id < b.id ? b.id : a.id;
  let row = matchCache.get(lo);
  let m = row?.get(hi);
  if (!m) {
    m = computeTokenMatch(a, b);
    if (matchCacheSize >= MATCH_CACHE_LIMIT) {
      matchCache.clear();
      matchCacheSize = 0;
      row = undefined;
    }
    if (!row) matchCache.set(lo, (row = new Map()));
    row.set(hi, m);
    matchCacheSize++;
  }
  return m;
}

export interface NameComparison {
  /** 0..1: 1 for the same name, whatever the order, case, accents or script. */
  similarity: number;
  /** How it matched, for the reasons shown to analysts. */
  notes: string[];
}

/** Tokens beyond the shorter name's count (a middle name present on one side only) weigh this much. */
const EXTRA_TOKEN_WEIGHT = 0.3;

interface ListMatch {
  similarity: number;
  short: NameToken[];
  long: NameToken[];
  pairs: { i: number; j: number; m: TokenMatch }[];
}

function compareTokenLists(ta: NameToken[], tb: NameToken[]): ListMatch {
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  let pairs: { i: number; j: number; m: TokenMatch }[];
  if (short.length === 1) {
    // One token against several: its best partner.
    let best = { i: 0, j: 0, m: compareTokens(short[0], long[0]) };
    for (let j = 1; j < long.length; j++) {
      const m = compareTokens(short[0], long[j]);
      if (m.similarity > best.m.similarity) best = { i: 0, j, m };
    }
    pairs = [best];
  } else if (short.length === 2 && long.length === 2) {
    // The common case: the straight and the crossed pairing.
    const s00 = compareTokens(short[0], long[0]);
    const s11 = compareTokens(short[1], long[1]);
    const s01 = compareTokens(short[0], long[1]);
    const s10 = compareTokens(short[1], long[0]);
    pairs = s00.similarity + s11.similarity >= s01.similarity + s10.similarity
      ? [{ i: 0, j: 0, m: s00 }, { i: 1, j: 1, m: s11 }]
      : [{ i: 0, j: 1, m: s01 }, { i: 1, j: 0, m: s10 }];
  } else {
    const cells: { i: number; j: number; m: TokenMatch }[] = [];
    for (let i = 0; i < short.length; i++) for (let j = 0; j < long.length; j++) cells.push({ i, j, m: compareTokens(short[i], long[j]) });
    cells.sort((x, y) => y.m.similarity - x.m.similarity);
    let usedI = 0;
    let usedJ = 0;
    pairs = [];
    for (const c of cells) {
      if (usedI & (1 << c.i) || usedJ & (1 << c.j)) continue;
      usedI |= 1 << c.i;
      usedJ |= 1 << c.j;
      pairs.push(c);
      if (pairs.length === short.length) break;
    }
  }
  let total = 0;
  let allInitials = true;
  for (const p of pairs) {
    total += p.m.similarity;
    if (p.m.how !== 'initial') allInitials = false;
  }
  let similarity = total / (short.length + EXTRA_TOKEN_WEIGHT * (long.length - short.length));
  // Names that match only by initials are weak evidence: cap them.
  if (allInitials) similarity = Math.min(similarity, 0.6);
  return { similarity: Math.min(1, similarity), short, long, pairs };
}

/** Most similarity `computeTokenMatch` can give two tokens, from their lengths, letters and keys alone (no Jaro-Winkler). */
function tokenMatchBound(a: NameToken, b: NameToken): number {
  if (a.text === b.text || a.initial || b.initial || a.vowelless || b.vowelless || (a.key && a.key === b.key)) return 1;
  const jw = jaroWinklerBound(a.text, b.text);
  // A typo (one edit apart, tokens of four letters or more) scores at least 0.9.
  return Math.min(a.text.length, b.text.length) >= 4 && oneEditApart(a.text, b.text) ? Math.max(jw, 0.9) : jw;
}

/** Letter counts reused by `jaroWinklerBound` (character codes folded into 128 buckets: a collision only raises the bound). */
const letterCounts = new Int32Array(128);

/**
 * An upper bound of `jaroWinkler(a, b)` (a ≠ b): Jaro's matches are at most the letters the two
 * strings have in common, its transposition term at most 1, and the Winkler boost grows with Jaro.
 */
function jaroWinklerBound(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (!la || !lb) return 0;
  for (let i = 0; i < la; i++) letterCounts[a.charCodeAt(i) & 127]++;
  let common = 0;
  for (let i = 0; i < lb; i++) {
    const c = b.charCodeAt(i) & 127;
    if (letterCounts[c] > 0) {
      letterCounts[c]--;
      common++;
    }
  }
  for (let i = 0; i < la; i++) letterCounts[a.charCodeAt(i) & 127] = 0;
  if (!common) return 0;
  const j = (common / la + common / lb + 1) / 3;
  if (j <= 0.7) return j;
  let prefix = 0;
  const max = Math.min(4, la, lb);
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

/**
 * `compareTokenLists(ta, tb).similarity` without the pairs (what scoring without explanation
 * needs): the same comparisons and the same arithmetic for one token against several and for two
 * against two, without building a pair list; in the two-by-two case the crossed pairing is not
 * compared when even its bound cannot beat the straight one (the straight one is then chosen).
 * `floor`: the caller only wants similarities of at least `floor` — when the token bounds show the
 * lists cannot reach it, no token is compared and a value below `floor` is returned. A result at
 * or above `floor` is always the exact similarity.
 */
function tokenListSimilarity(ta: NameToken[], tb: NameToken[], floor: number): number {
  const short = ta.length <= tb.length ? ta : tb;
  const long = ta.length <= tb.length ? tb : ta;
  const denominator = short.length + EXTRA_TOKEN_WEIGHT * (long.length - short.length);
  let total = 0;
  let allInitials = true;
  if (short.length === 1) {
    if (floor > 0) {
      let bound = 0;
      for (let j = 0; j < long.length && bound < 1; j++) bound = Math.max(bound, tokenMatchBound(short[0], long[j]));
      if (bound / denominator < floor) return bound / denominator;
    }
    let best = compareTokens(short[0], long[0]);
    for (let j = 1; j < long.length; j++) {
      const m = compareTokens(short[0], long[j]);
      if (m.similarity > best.similarity) best = m;
    }
    total += best.similarity;
    allInitials = best.how === 'initial';
  } else if (short.length === 2 && long.length === 2) {
    const s00 = compareTokens(short[0], long[0]);
    // Bounds with a margin far above rounding: a bound is only used to skip what cannot win.
    const crossedBound = tokenMatchBound(short[0], long[1]) + tokenMatchBound(short[1], long[0]) + 1e-9;
    if (floor > 0) {
      const bound = Math.max(s00.similarity + tokenMatchBound(short[1], long[1]) + 1e-9, crossedBound) / 2;
      if (bound < floor) return bound;
    }
    const s11 = compareTokens(short[1], long[1]);
    const straight = s00.similarity + s11.similarity;
    let first = s00;
    let second = s11;
    // At a tie the straight pairing wins: the crossed one is compared only when its bound reaches the straight one.
    if (crossedBound >= straight) {
      const s01 = compareTokens(short[0], long[1]);
      const s10 = compareTokens(short[1], long[0]);
      if (!(straight >= s01.similarity + s10.similarity)) {
        first = s01;
        second = s10;
      }
    }
    total += first.similarity;
    total += second.similarity;
    allInitials = first.how === 'initial' && second.how === 'initial';
  } else {
    return compareTokenLists(ta, tb).similarity;
  }
  let similarity = total / denominator;
  if (allInitials) similarity = Math.min(similarity, 0.6);
  return Math.min(1, similarity);
}

/**
 * Compares two normalised names, ignoring token order: tokens are paired greedily by
 * similarity (best first); unpaired tokens of the longer name lower the score a little. The
 * other readings of each name (particles glued, neighbours joined) are compared as well and
 * the best reading wins.
 */
export function compareNames(a: NormalisedName, b: NormalisedName, explain = true): NameComparison {
  if (!a.tokens.length || !b.tokens.length) return { similarity: 0, notes: ['no name to compare'] };
  if (!explain) return { similarity: nameSimilarity(a, b, -Infinity), notes: [] };
  let best = compareTokenLists(a.tokens.slice(0, 16), b.tokens.slice(0, 16));
  let reading: string | undefined;
  if (best.similarity < 1 && (a.variants.length > 1 || b.variants.length > 1)) {
    for (const va of a.variants) {
      for (const vb of b.variants) {
        // A reading counts only where it makes the token counts agree (`Abd Allah` 2 → `Abdallah` 1).
        // One side is read as written; both rewritten would compare two inventions.
        if ((va === a.tokens) === (vb === b.tokens) || va.length !== vb.length) continue;
        const c = compareTokenLists(va.slice(0, 16), vb.slice(0, 16));
        if (c.similarity > best.similarity) {
          best = c;
          reading = 'names read with particles or parts joined';
        }
      }
    }
  }
  let similarity = best.similarity;
  if (!explain) {
    if (a.joined.length >= 4 && a.joined === b.joined) similarity = 1;
    else if (a.tokens.length !== b.tokens.length && a.joinedKey.length >= 3 && a.joinedKey === b.joinedKey) similarity = Math.max(similarity, 0.9);
    return { similarity, notes: [] };
  }
  const notes = new Set<string>();
  for (const p of best.pairs) if (p.m.how !== 'exact' && p.m.how !== 'none') notes.add(`${p.m.how} match ${best.short[p.i].text}~${best.long[p.j].text}`);
  const ordered = [...best.pairs].sort((x, y) => x.i - y.i).every((p, k, arr) => k === 0 || p.j > arr[k - 1].j);
  if (!ordered && best.pairs.length > 1) notes.add('token order differs');
  if (best.long.length > best.short.length) notes.add(`${best.long.length - best.short.length} extra token(s)`);
  if (reading) notes.add(reading);
  if (a.joined.length >= 4 && a.joined === b.joined && similarity < 1) {
    similarity = 1;
    notes.add('same name written with different spacing');
  } else if (a.tokens.length !== b.tokens.length && a.joinedKey.length >= 3 && a.joinedKey === b.joinedKey && similarity < 0.9) {
    similarity = 0.9;
    notes.add('same sound when joined');
  }
  if (a.script !== b.script && (a.script || b.script)) notes.add(`transliterated from ${a.script ?? b.script}`);
  return { similarity, notes: [...notes] };
}

const first16 = (tokens: NameToken[]) => (tokens.length > 16 ? tokens.slice(0, 16) : tokens);

/**
 * `compareNames(a, b, false).similarity` (names with tokens), computed without pair lists or
 * notes. Below `floor` (see `tokenListSimilarity`) the value is only known to be below it.
 */
function nameSimilarity(a: NormalisedName, b: NormalisedName, floor: number): number {
  if (a.joined.length >= 4 && a.joined === b.joined) return 1;
  // Sounding alike once joined makes it at least 0.9: a value below `floor` (≤ 0.9) gives 0.9 exactly as the true one does.
  const soundsJoined = a.tokens.length !== b.tokens.length && a.joinedKey.length >= 3 && a.joinedKey === b.joinedKey;
  let similarity = tokenListSimilarity(first16(a.tokens), first16(b.tokens), floor);
  if (similarity < 1 && (a.variants.length > 1 || b.variants.length > 1)) {
    for (const va of a.variants) {
      for (const vb of b.variants) {
        if ((va === a.tokens) === (vb === b.tokens) || va.length !== vb.length) continue;
        const c = tokenListSimilarity(first16(va), first16(vb), floor);
        if (c > similarity) similarity = c;
      }
    }
  }
  return soundsJoined ? Math.max(similarity, 0.9) : similarity;
}

/**
 * `compareNameLists(a, b, false).similarity`: the best similarity over two lists of names, nothing
 * else built. With `floor`, a result below it only says the names do not reach it (their tokens
 * were not all compared); a result at or above it is exact.
 */
export function nameListSimilarity(a: NormalisedName[], b: NormalisedName[], floor = -Infinity): number {
  let best = 0;
  for (const x of a) {
    for (const y of b) {
      // A later pair matters only above the best so far: below it, its tokens need not all be compared.
      const c = x.tokens.length && y.tokens.length ? nameSimilarity(x, y, Math.max(floor, best)) : 0;
      if (c > best) best = c;
      if (best === 1) return best;
    }
  }
  return best;
}

/** Best comparison over two lists of names (a full name and aliases on each side). */
export function compareNameLists(a: NormalisedName[], b: NormalisedName[], explain = true): NameComparison {
  let best: NameComparison = { similarity: 0, notes: ['no name to compare'] };
  for (const x of a) {
    for (const y of b) {
      const c = compareNames(x, y, explain);
      if (c.similarity > best.similarity) best = c;
      if (best.similarity === 1) return best;
    }
  }
  return best;
}
