/**
 * Name normalisation for search: the same function runs on indexed names and on queries, so a
 * name written in Arabic or Cyrillic script, with or without accents, in any case, meets its
 * Latin forms. Written here on purpose: analytics may import only the ontology's contracts.
 *
 * - {@link transliterate}: Cyrillic (Russian/Ukrainian, BGN-like) and Arabic/Persian (consonantal,
 *   short vowels are not written in Arabic) to Latin.
 * - {@link normaliseName}: transliterate, strip diacritics, lowercase, keep letters/digits.
 * - {@link nameSkeleton}: a consonant skeleton of one token (`Mohamed`, `Muhammad`, `محمد` → `mhmd`),
 *   which survives vowel spellings, doubled letters and the missing short vowels of Arabic.
 */

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', і: 'i', ї: 'yi', є: 'ye', ґ: 'g', ў: 'u', ј: 'j', љ: 'lj', њ: 'nj',
  ћ: 'c', ђ: 'dj', џ: 'dz',
};

const ARABIC: Record<string, string> = {
  ا: 'a', أ: 'a', إ: 'i', آ: 'a', ٱ: 'a', ء: '', ب: 'b', ت: 't', ث: 'th', ج: 'j', ح: 'h', خ: 'kh', د: 'd', ذ: 'dh',
  ر: 'r', ز: 'z', س: 's', ش: 'sh', ص: 's', ض: 'd', ط: 't', ظ: 'z', ع: 'a', غ: 'gh', ف: 'f', ق: 'q', ك: 'k', ل: 'l',
  م: 'm', ن: 'n', ه: 'h', ة: 'a', و: 'w', ي: 'y', ى: 'a', ئ: 'y', ؤ: 'w',
  // Persian / Urdu letters
  پ: 'p', چ: 'ch', ژ: 'zh', گ: 'g', ک: 'k', ی: 'y', ۀ: 'a',
};

/** Arabic harakat, shadda, sukun, tatweel and similar marks: dropped. */
const ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;

/** Every key of CYRILLIC (either case) and ARABIC, and every ARABIC_MARKS character, lies in these blocks. */
const TRANSLITERATED_BLOCKS = /[\u0400-\u04FF\u0600-\u06FF]/;

/** Transliterates Cyrillic and Arabic-script letters to Latin; other characters pass unchanged. */
export function transliterate(input: string): string {
  // Nothing to transliterate (the common case): the loop below would rebuild the same string.
  if (!TRANSLITERATED_BLOCKS.test(input)) return input;
  let out = '';
  for (const ch of input.replace(ARABIC_MARKS, '')) {
    const lower = ch.toLowerCase();
    const cyr = CYRILLIC[lower];
    if (cyr !== undefined) {
      out += ch !== lower && cyr ? cyr[0].toUpperCase() + cyr.slice(1) : cyr;
      continue;
    }
    const ar = ARABIC[ch];
    if (ar !== undefined) {
      out += ar;
      continue;
    }
    out += ch;
  }
  return out;
}

/** A UTF-16 code unit outside ASCII (surrogates included): its absence means the string is ASCII. */
const NON_ASCII = /[\u0080-\uffff]/;

/** Removes diacritics (é → e, ç → c, ø → o, ß → ss) after Unicode decomposition. */
export function stripDiacritics(input: string): string {
  // ASCII has no decomposition and none of the letters below.
  if (!NON_ASCII.test(input)) return input;
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[øØ]/g, 'o')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[œŒ]/g, 'oe')
    .replace(/[łŁ]/g, 'l')
    .replace(/[đĐ]/g, 'd');
}

/** `"  Владимир  ПУТИН "` → `"vladimir putin"`; `"Hélène d'Arc-Dupont"` → `"helene d arc dupont"`. */
export function normaliseName(input: string): string {
  return stripDiacritics(transliterate(input))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** Tokens of a normalised name. */
export function nameTokens(input: string): string[] {
  const n = normaliseName(input);
  return n ? n.split(' ') : [];
}

/**
 * Consonant skeleton of one normalised token: phonetic equivalents merged (ph→f, c/q/ck→k, ou→u),
 * vowels and semi-vowels (a e i o u y w) dropped, doubled letters collapsed.
 * Tokens of digits are kept as they are. Too short a skeleton (< 2) carries no evidence: ''.
 */
export function nameSkeleton(token: string): string {
  if (/^\d+$/.test(token)) return token;
  const s = token
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/[cq]/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/[aeiouyw]/g, '')
    .replace(/(.)\1+/g, '$1');
  return s.length >= 2 ? s : '';
}

/** Skeletons of every token of a name, plus the skeleton of the whole name run together (`Abd al-Lah` ~ `Abdallah`). */
export function nameSkeletons(input: string): string[] {
  return skeletonsOfNormalised(normaliseName(input));
}

/** {@link nameSkeletons} of a name already normalised by {@link normaliseName}. */
export function skeletonsOfNormalised(normalised: string): string[] {
  const tokens = normalised ? normalised.split(' ') : [];
  const out = new Set<string>();
  for (const t of tokens) {
    const s = nameSkeleton(t);
    if (s) out.add(s);
  }
  if (tokens.length > 1) {
    const joined = nameSkeleton(tokens.join(''));
    if (joined) out.add(joined);
  }
  return [...out];
}

/** Levenshtein distance, bounded: returns `max + 1` as soon as it is exceeded. */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}
