/**
 * A consonant-skeleton phonetic key, made for names that reach us through different
 * transliterations: vowels dropped, consonants folded into classes of sounds that spellings
 * confuse (k/c/q/g, s/z/ts, sh/ch/tch/sch, v/w/f/ph, d/t/th, b/p, j/dj/zh), repeats collapsed.
 *
 *   Mohamed, Mohammed, Muhammad, محمد (mhmd) → MHMT
 *   Khrushchev, Khrouchtchev                  → KRSF
 *   Youssef, Yusuf, يوسف (yusf)                → SF
 *
 * `h` survives only where it is a sound of its own (after a vowel or at the start, not at the
 * end), so the Arabic ح/ه in Ahmed or Mohamed counts while the h of digraphs and of a final
 * "-ah" does not.
 */

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

const DIGRAPHS: ReadonlyArray<readonly [string, string]> = [
  ['shch', 'S'], ['tsch', 'S'], ['dzh', 'J'], ['sch', 'S'], ['tch', 'S'],
  ['ch', 'S'], ['sh', 'S'], ['zh', 'J'], ['dj', 'J'], ['dz', 'J'], ['kh', 'K'], ['gh', 'K'], ['ck', 'K'],
  ['ph', 'F'], ['th', 'T'], ['dh', 'T'], ['ts', 'S'], ['tz', 'S'],
];

/** The digraphs by their first letter, in the order above (the first that matches wins, as with a scan of the list). */
const DIGRAPHS_BY_FIRST: ReadonlyMap<string, ReadonlyArray<readonly [string, string]>> = DIGRAPHS.reduce((byFirst, d) => {
  byFirst.set(d[0][0], [...(byFirst.get(d[0][0]) ?? []), d]);
  return byFirst;
}, new Map<string, (readonly [string, string])[]>());

const SINGLE: Readonly<Record<string, string>> = {
  b: 'B', p: 'B', f: 'F', v: 'F', w: 'F', d: 'T', t: 'T', s: 'S', z: 'S', j: 'J', k: 'K', g: 'K', q: 'K',
  l: 'L', m: 'M', n: 'N', r: 'R', x: 'KS',
};

/** Sound classes of a folded (lowercase ASCII) token, before collapsing. */
function units(token: string, vowelless = false): string[] {
  const out: string[] = [];
  let i = 0;
  if (/^ou[aeiy]/.test(token)) {
    out.push('F'); // French "Ou-" before a vowel writes a w: Oualid = Walid
    i = 2;
  }
  while (i < token.length) {
    const ch = token[i];
    const digraph = DIGRAPHS_BY_FIRST.get(ch)?.find(([from]) => token.startsWith(from, i));
    if (digraph) {
      out.push(digraph[1]);
      i += digraph[0].length;
      continue;
    }
    if (ch === 'g' && token[i + 1] === 'u' && 'eiy'.includes(token[i + 2] ?? '-')) {
      out.push('K'); // Serguei
      i += 2;
      continue;
    }
    if (ch === 'c') {
      out.push('eiy'.includes(token[i + 1] ?? '-') ? 'S' : 'K');
      i++;
      continue;
    }
    if (ch === 'h') {
      const prev = token[i - 1];
      // In Arabic-script names without written short vowels, an h after a consonant (محمد → mhmd) is still a sound.
      if ((i === 0 || vowelless || (prev !== undefined && VOWELS.has(prev))) && i < token.length - 1) out.push('H');
      i++;
      continue;
    }
    if (VOWELS.has(ch)) {
      out.push('');
      i++;
      continue;
    }
    const mapped = SINGLE[ch];
    if (mapped) out.push(...mapped.split(''));
    i++;
  }
  return out;
}

/**
 * The phonetic key of one folded token ('' for a token made only of vowels). `vowelless`: the
 * token was transliterated from Arabic script without short vowels.
 */
export function phoneticKey(token: string, vowelless = false): string {
  return keyOfUnits(units(token, vowelless));
}

function keyOfUnits(list: string[]): string {
  let key = '';
  for (const u of list) {
    if (u && key[key.length - 1] !== u) key += u;
  }
  return key;
}

const leadOfUnits = (list: string[]): string => (list[0] === undefined || list[0] === '' ? 'A' : list[0]);

/** `{ key: phoneticKey(token, vowelless), lead: leadClass(token) }`, the sound classes computed once when they are the same. */
export function phoneticParts(token: string, vowelless = false): { key: string; lead: string } {
  const list = units(token, vowelless);
  return { key: keyOfUnits(list), lead: vowelless ? leadClass(token) : token.length === 1 ? leadClass(token) : leadOfUnits(list) };
}

/** The sound class a token starts with; `A` for a vowel. Used to block on "first sound + other token". */
export function leadClass(token: string): string {
  // Blocking and initials ask it of single letters, again and again: those are kept.
  if (token.length === 1) {
    let lead = letterLeads.get(token);
    if (lead === undefined) {
      lead = computeLeadClass(token);
      if (letterLeads.size < 1024) letterLeads.set(token, lead);
    }
    return lead;
  }
  return computeLeadClass(token);
}

/** The lead class of each single character met (bounded by the characters of folded names). */
const letterLeads = new Map<string, string>();

function computeLeadClass(token: string): string {
  return leadOfUnits(units(token));
}
