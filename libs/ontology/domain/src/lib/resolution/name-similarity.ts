import { NameToken, NormalisedName } from './name-normaliser';
import { leadClass } from './phonetic-key';
import { damerauLevenshtein, jaroWinkler } from './string-similarity';

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
  if (Math.min(a.text.length, b.text.length) >= 4 && damerauLevenshtein(a.text, b.text) === 1) {
    return { similarity: Math.max(jw, 0.9), how: 'typo' };
  }
  return { similarity: jw, how: jw >= 0.85 ? 'fuzzy' : 'none' };
}

// Names are Zipf-distributed: the same token pairs come back again and again. The comparison is
// pure, so it is memoised (bounded; cleared when full).
const TOKEN_CACHE_LIMIT = 500_000;
const tokenCache = new Map<string, TokenMatch>();

/** Similarity of two name tokens, with how they matched. */
export function compareTokens(a: NameToken, b: NameToken): TokenMatch {
  const key = a.text < b.text ? `${a.text}${a.vowelless ? '*' : ''}|${b.text}${b.vowelless ? '*' : ''}` : `${b.text}${b.vowelless ? '*' : ''}|${a.text}${a.vowelless ? '*' : ''}`;
  let m = tokenCache.get(key);
  if (!m) {
    m = computeTokenMatch(a, b);
    if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
    tokenCache.set(key, m);
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
  const cells: { i: number; j: number; m: TokenMatch }[] = [];
  for (let i = 0; i < short.length; i++) for (let j = 0; j < long.length; j++) cells.push({ i, j, m: compareTokens(short[i], long[j]) });
  cells.sort((x, y) => y.m.similarity - x.m.similarity);
  let usedI = 0;
  let usedJ = 0;
  const pairs: { i: number; j: number; m: TokenMatch }[] = [];
  for (const c of cells) {
    if (usedI & (1 << c.i) || usedJ & (1 << c.j)) continue;
    usedI |= 1 << c.i;
    usedJ |= 1 << c.j;
    pairs.push(c);
    if (pairs.length === short.length) break;
  }
  const total = pairs.reduce((s, p) => s + p.m.similarity, 0);
  let similarity = total / (short.length + EXTRA_TOKEN_WEIGHT * (long.length - short.length));
  // Names that match only by initials are weak evidence: cap them.
  if (pairs.every((p) => p.m.how === 'initial')) similarity = Math.min(similarity, 0.6);
  return { similarity: Math.min(1, similarity), short, long, pairs };
}

/**
 * Compares two normalised names, ignoring token order: tokens are paired greedily by
 * similarity (best first); unpaired tokens of the longer name lower the score a little. The
 * other readings of each name (particles glued, neighbours joined) are compared as well and
 * the best reading wins.
 */
export function compareNames(a: NormalisedName, b: NormalisedName): NameComparison {
  if (!a.tokens.length || !b.tokens.length) return { similarity: 0, notes: ['no name to compare'] };
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

/** Best comparison over two lists of names (a full name and aliases on each side). */
export function compareNameLists(a: NormalisedName[], b: NormalisedName[]): NameComparison {
  let best: NameComparison = { similarity: 0, notes: ['no name to compare'] };
  for (const x of a) {
    for (const y of b) {
      const c = compareNames(x, y);
      if (c.similarity > best.similarity) best = c;
      if (best.similarity === 1) return best;
    }
  }
  return best;
}
