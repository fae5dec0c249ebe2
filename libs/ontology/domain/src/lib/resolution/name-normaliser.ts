import { phoneticKey, phoneticParts } from './phonetic-key';
import { transliterate } from './transliteration';

const SPECIAL_LATIN: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ŀ: 'l', ħ: 'h',
};

/** Particles and articles dropped from names when matching (kept if nothing else is left). */
export const NAME_PARTICLES: ReadonlySet<string> = new Set([
  'de', 'du', 'des', 'del', 'della', 'der', 'den', 'van', 'von', 'la', 'le', 'les', 'da', 'di', 'do', 'dos', 'das',
  'y', 'al', 'el', 'ul', 'bin', 'ben', 'ibn', 'bn', 'bint', 'ould', 'st', 'ste',
]);
const TITLES: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'mme', 'mlle', 'dr', 'pr', 'prof', 'sir', 'sheikh', 'cheikh', 'me', 'maitre']);

/** Folds Latin text to lowercase ASCII letters: accents stripped (NFKD), ß → ss, æ → ae, ł → l, … */
export function foldLatin(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþıŀħ]/g, (c) => SPECIAL_LATIN[c] ?? c);
}

/** One token of a name, ready for comparison. */
export interface NameToken {
  /** Folded Latin form (`vladimir`). */
  text: string;
  /** Phonetic key (`FLTMR`). */
  key: string;
  /** Sound class the token starts with. */
  lead: string;
  /** A single letter: an initial. */
  initial: boolean;
  /** Came from Arabic script without written short vowels: compare on the consonant skeleton. */
  vowelless: boolean;
  /** Identity of the (memoised) token, for caching comparisons. */
  id: number;
}

export interface NormalisedName {
  /** Tokens in written order, particles and titles dropped. */
  tokens: NameToken[];
  /**
   * Other readings of the same name, compared too: particles glued to the next word
   * (`Ben Ali` → `benali`, `Le Gall` → `legall`) and, for names of 2-4 tokens, two neighbouring
   * tokens joined (`Abd Allah` → `abdallah`). The first entry is `tokens`.
   */
  variants: NameToken[][];
  /** Tokens joined without spaces (`abdallah` for "Abd Allah"). */
  joined: string;
  /** Phonetic key of `joined`. */
  joinedKey: string;
  /** The script the name was written in, if not Latin. */
  script?: 'cyrillic' | 'arabic';
}

const TOKEN_CACHE_LIMIT = 100_000;
const tokenCache = new Map<string, NameToken>();
let nextTokenId = 0;

/** A token with its keys (memoised: names repeat; tokens are never mutated). */
export function makeToken(text: string, vowelless = false): NameToken {
  const cacheKey = vowelless ? `*${text}` : text;
  let token = tokenCache.get(cacheKey);
  if (!token) {
    const { key, lead } = phoneticParts(text, vowelless);
    token = Object.freeze({ text, key, lead, initial: text.length === 1, vowelless, id: nextTokenId++ });
    if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
    tokenCache.set(cacheKey, token);
  }
  return token;
}

/**
 * Normalises a person or organisation name for matching: transliterated to Latin, folded
 * (case, accents), punctuation and digits dropped, titles and particles removed, each token
 * given its phonetic key. `DUPONT Jean`, `Jean Dupont` and `jean  dupont.` give the same
 * tokens (order is kept; comparison ignores it).
 */
export function normaliseName(raw: string): NormalisedName {
  // Memoised like tokens: a stored record is prepared again each time it is a candidate of a new one.
  let name = nameCache.get(raw);
  if (!name) {
    name = computeNormalisedName(raw);
    if (nameCache.size >= NAME_CACHE_LIMIT) nameCache.clear();
    nameCache.set(raw, name);
  }
  return name;
}

const NAME_CACHE_LIMIT = 50_000;
const nameCache = new Map<string, NormalisedName>();

function computeNormalisedName(raw: string): NormalisedName {
  const script = /[\u0400-\u04FF]/.test(raw) ? 'cyrillic' : /[\u0600-\u06FF]/.test(raw) ? 'arabic' : undefined;
  const { latin, vowelless } = transliterate(raw);
  const folded = foldLatin(latin)
    .replace(/\bo['’ʼ`]\s*(?=[a-z])/g, 'o') // O'Brien → obrien
    .replace(/['’ʼ`]/g, ' ')
    .replace(/[^a-z\s]+/g, ' ');
  const words = folded.split(/\s+/).filter(Boolean).filter((w) => !TITLES.has(w));
  const kept = words.filter((w) => !NAME_PARTICLES.has(w));
  const chosen = kept.length ? kept : words;
  const token = (text: string) => makeToken(text, vowelless && text.length > 1);
  const tokens = chosen.map(token);
  const variants: NameToken[][] = [tokens];
  if (kept.length && kept.length < words.length) {
    const glued: string[] = [];
    for (let i = 0; i < words.length; i++) {
      if (NAME_PARTICLES.has(words[i]) && i + 1 < words.length) {
        let w = words[i];
        while (i + 1 < words.length && NAME_PARTICLES.has(words[i])) w += words[++i];
        glued.push(w);
      } else if (!NAME_PARTICLES.has(words[i])) glued.push(words[i]);
    }
    variants.push(glued.map(token));
  }
  if (tokens.length >= 2 && tokens.length <= 4) {
    for (let k = 0; k + 1 < tokens.length; k++) {
      variants.push([...tokens.slice(0, k), token(tokens[k].text + tokens[k + 1].text), ...tokens.slice(k + 2)]);
    }
  }
  const joined = tokens.map((t) => t.text).join('');
  return { tokens, variants, joined, joinedKey: phoneticKey(joined, vowelless), ...(script ? { script } : {}) };
}
