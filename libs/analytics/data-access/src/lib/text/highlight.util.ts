import { boundedLevenshtein, nameSkeleton, normaliseName } from './name-normaliser.util';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Query terms prepared once for {@link highlight}. */
export interface HighlightTerms {
  tokens: string[];
  skeletons: Set<string>;
}

export function highlightTerms(q: string): HighlightTerms {
  const tokens = normaliseName(q)
    .split(' ')
    .filter((t) => t.length > 0);
  const skeletons = new Set(tokens.map(nameSkeleton).filter((s) => s.length >= 3));
  return { tokens, skeletons };
}

/** Does one word of a text match a query token: same word, same stem-ish prefix, a small typo, or the same consonant skeleton? */
export function wordMatches(word: string, terms: HighlightTerms): boolean {
  const w = normaliseName(word);
  if (!w) return false;
  for (const t of terms.tokens) {
    if (w === t) return true;
    if (t.length >= 4 && w.length >= 4 && (w.startsWith(t.slice(0, Math.max(4, t.length - 2))) || t.startsWith(w.slice(0, Math.max(4, w.length - 2))))) return true;
    const max = t.length >= 8 ? 2 : t.length >= 4 ? 1 : 0;
    if (max > 0 && boundedLevenshtein(w, t, max) <= max) return true;
  }
  const s = nameSkeleton(w);
  return s.length >= 3 && terms.skeletons.has(s);
}

/**
 * The text with its matching words wrapped in `<mark>`, everything HTML-escaped; null when no
 * word matches. Only texts the caller may see are ever passed here.
 */
export function highlight(text: string, terms: HighlightTerms, maxLength = 300): string | null {
  if (!terms.tokens.length) return null;
  const parts = text.split(/([\p{L}\p{N}\p{M}]+)/u).filter((p) => p.length > 0);
  const marks = parts.map((part) => /[\p{L}\p{N}]/u.test(part) && wordMatches(part, terms));
  const first = marks.indexOf(true);
  if (first < 0) return null;
  // A window of about maxLength source characters, starting a little before the first match.
  let start = first;
  let before = 0;
  while (start > 0 && before + parts[start - 1].length <= 80) before += parts[--start].length;
  let end = start;
  let length = 0;
  while (end < parts.length && (end <= first || length + parts[end].length <= maxLength)) length += parts[end++].length;
  let out = start > 0 ? '…' : '';
  for (let i = start; i < end; i++) out += marks[i] ? `<mark>${escapeHtml(parts[i])}</mark>` : escapeHtml(parts[i]);
  return end < parts.length ? `${out}…` : out;
}
