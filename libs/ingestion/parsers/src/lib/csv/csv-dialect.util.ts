/** Delimiters the CSV parser detects, in order of preference when two fit equally. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export type LineEnding = '\n' | '\r\n' | '\r';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The line ending of a file, from its first line break (`\n` when there is none). */
export function detectLineEnding(sample: Buffer): LineEnding {
  const lf = sample.indexOf(LF);
  const cr = sample.indexOf(CR);
  if (lf === -1) return cr === -1 ? '\n' : '\r';
  if (cr !== -1 && cr < lf - 1) return '\r';
  return lf > 0 && sample[lf - 1] === CR ? '\r\n' : '\n';
}

/**
 * Picks the delimiter from the first lines of a sample (ASCII bytes; quoted parts are ignored):
 * the candidate found the same, non-zero number of times on every complete line wins; among
 * those, the most frequent; failing any consistent candidate, the one present on most lines.
 * A file with a single column gets `,`.
 */
export function detectDelimiter(sample: Buffer, ended: boolean, lineEnding: LineEnding, maxLines = 20): CsvDelimiter {
  const eol = lineEnding === '\r' ? CR : LF;
  const counts: number[][] = [];
  let current = [0, 0, 0, 0];
  let inQuote = false;
  let complete = false;
  for (let i = 0; i < sample.length && counts.length < maxLines; i++) {
    const b = sample[i];
    if (b === QUOTE) inQuote = !inQuote;
    else if (inQuote) continue;
    else if (b === eol) {
      if (current.some((c) => c > 0) || counts.length > 0) counts.push(current);
      current = [0, 0, 0, 0];
      complete = i === sample.length - 1;
    } else {
      const at = CSV_DELIMITERS.indexOf(String.fromCharCode(b) as CsvDelimiter);
      if (at !== -1) current[at]++;
    }
  }
  if ((ended || counts.length === 0) && !complete && current.some((c) => c > 0)) counts.push(current);
  if (counts.length === 0) return ',';
  let best = -1;
  let bestCount = 0;
  for (let d = 0; d < CSV_DELIMITERS.length; d++) {
    const first = counts[0][d];
    if (first > 0 && counts.every((line) => line[d] === first) && first > bestCount) {
      best = d;
      bestCount = first;
    }
  }
  if (best !== -1) return CSV_DELIMITERS[best];
  let bestLines = 0;
  for (let d = 0; d < CSV_DELIMITERS.length; d++) {
    const lines = counts.filter((line) => line[d] > 0).length;
    if (lines > bestLines) {
      best = d;
      bestLines = lines;
    }
  }
  return best === -1 ? ',' : CSV_DELIMITERS[best];
}
