/**
 * Transliteration of Cyrillic and Arabic script to Latin, for matching names across scripts.
 *
 * Cyrillic follows BGN/PCGN (Russian), with Ukrainian, Belarusian and Serbian letters added:
 * `Владимир Путин` → `Vladimir Putin`, `Хрущёв` → `Khrushchev`.
 *
 * Arabic follows a practical romanisation (the one French and English press and registries
 * use, not a scholarly one): consonants mapped one to one, long vowels from alif/waw/ya, short
 * vowels only when written (harakat). Unwritten short vowels are the reason Arabic-script names
 * are compared on their consonant skeleton (see `phoneticKey`): `محمد` → `mhmd` ≈ `Mohamed`,
 * `Muhammad`, `Mohammed`.
 */

const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Ukrainian, Belarusian, Serbian, Macedonian
  і: 'i', ї: 'yi', є: 'ye', ґ: 'g', ў: 'w', ђ: 'dj', ј: 'j', љ: 'lj', њ: 'nj', ћ: 'c', џ: 'dz', ѓ: 'gj', ќ: 'kj', ѕ: 'dz',
};

const ARABIC: Readonly<Record<string, string>> = {
  ا: 'a', أ: 'a', إ: 'i', آ: 'a', ٱ: 'a', ب: 'b', ت: 't', ث: 'th', ج: 'j', ح: 'h', خ: 'kh', د: 'd', ذ: 'dh',
  ر: 'r', ز: 'z', س: 's', ش: 'sh', ص: 's', ض: 'd', ط: 't', ظ: 'z', غ: 'gh', ف: 'f', ق: 'q', ك: 'k', ل: 'l',
  م: 'm', ن: 'n', ه: 'h', ة: 'a', ى: 'a', ء: '', ئ: '', ؤ: '',
  // Persian and Urdu letters
  پ: 'p', چ: 'ch', ژ: 'zh', گ: 'g', ک: 'k',
};

const HARAKAT: Readonly<Record<string, string>> = {
  '\u064E': 'a', '\u064F': 'u', '\u0650': 'i', '\u064B': '', '\u064C': '', '\u064D': '', '\u0652': '', '\u0640': '', '\u0670': 'a',
};
const SHADDA = '\u0651';

export type Script = 'latin' | 'cyrillic' | 'arabic' | 'other';

const CYRILLIC_RE = /[\u0400-\u04FF]/;
const ARABIC_RE = /[\u0600-\u06FF]/;

/** The non-Latin script a text is written in, if any (the first one found). */
export function detectScript(text: string): Script {
  if (CYRILLIC_RE.test(text)) return 'cyrillic';
  if (ARABIC_RE.test(text)) return 'arabic';
  return /[A-Za-z\u00C0-\u024F]/.test(text) ? 'latin' : 'other';
}

function transliterateCyrillic(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const mapped = CYRILLIC[lower];
    if (mapped === undefined) out += ch;
    else out += ch !== lower && mapped ? mapped[0].toUpperCase() + mapped.slice(1) : mapped;
  }
  return out;
}

const ARABIC_VOWEL_SOURCES = new Set(['ا', 'أ', 'إ', 'آ', 'ى', 'ة']);

function transliterateArabicWord(word: string): string {
  if (word === 'الله' || word === 'اللّه') return 'allah';
  let rest = word;
  let prefix = '';
  // The article: الـ → "al-" (the hyphen makes it a token, dropped as a particle when matching).
  if (rest.length > 3 && rest.startsWith('ال')) {
    prefix = 'al-';
    rest = rest.slice(2);
  }
  const chars = [...rest];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const prev = chars[i - 1];
    const atStart = out.length === 0;
    if (ch === SHADDA) {
      const last = out.slice(-1);
      if (last && !'aiu'.includes(last)) out += last;
      continue;
    }
    if (ch in HARAKAT) {
      out += HARAKAT[ch];
      continue;
    }
    if (ch === 'ع') {
      // Ayn has no Latin letter; at the start of a word it is heard as a vowel (Ali, Omar, Abd…).
      if (atStart) out += 'a';
      continue;
    }
    if (ch === 'و') {
      out += atStart || (prev !== undefined && ARABIC_VOWEL_SOURCES.has(prev)) ? 'w' : 'u';
      continue;
    }
    if (ch === 'ي' || ch === 'ی') {
      out += atStart || (prev !== undefined && ARABIC_VOWEL_SOURCES.has(prev)) ? 'y' : 'i';
      continue;
    }
    const mapped = ARABIC[ch];
    out += mapped === undefined ? ch : mapped;
  }
  return prefix + out;
}

function transliterateArabic(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .split(/(\s+)/)
    .map((part) => (ARABIC_RE.test(part) ? transliterateArabicWord(part) : part))
    .join('');
}

/**
 * Latin rendering of a text in Cyrillic or Arabic script (other text is returned unchanged),
 * and whether Arabic letters were met (their short vowels are then unknown).
 */
export function transliterate(text: string): { latin: string; vowelless: boolean } {
  let latin = text;
  let vowelless = false;
  if (CYRILLIC_RE.test(latin)) latin = transliterateCyrillic(latin);
  if (ARABIC_RE.test(latin)) {
    vowelless = !/[\u064E-\u0650]/.test(latin);
    latin = transliterateArabic(latin);
  }
  return { latin, vowelless };
}
