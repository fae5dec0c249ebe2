/**
 * Date formats of mappings: `ISO` (ISO 8601 date or date-time), or a pattern of tokens —
 * `YYYY`, `YY` (1950–2049), `MM`/`M`, `DD`/`D`, `HH`/`H`, `mm`, `ss`, `SSS`, `Z` (offset
 * `Z`, `+01:00`, `+0100`) — and literal characters (anything else; `[text]` for letters).
 * A parsed value is `YYYY-MM-DD`, or `YYYY-MM-DDTHH:mm:ss(.SSS)Z` (UTC) when the format has a time.
 */
export type DateParser = (text: string) => string | null;

const TOKENS: { token: string; pattern: string; group: string }[] = [
  { token: 'YYYY', pattern: '(\\d{4})', group: 'year' },
  { token: 'YY', pattern: '(\\d{2})', group: 'year2' },
  { token: 'MM', pattern: '(\\d{2})', group: 'month' },
  { token: 'M', pattern: '(\\d{1,2})', group: 'month' },
  { token: 'DD', pattern: '(\\d{2})', group: 'day' },
  { token: 'D', pattern: '(\\d{1,2})', group: 'day' },
  { token: 'HH', pattern: '(\\d{2})', group: 'hour' },
  { token: 'H', pattern: '(\\d{1,2})', group: 'hour' },
  { token: 'mm', pattern: '(\\d{2})', group: 'minute' },
  { token: 'ss', pattern: '(\\d{2})', group: 'second' },
  { token: 'SSS', pattern: '(\\d{1,3})', group: 'millis' },
  { token: 'Z', pattern: '(Z|[+-]\\d{2}:?\\d{2})', group: 'offset' },
];

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Compiles a format; throws an Error naming the problem when the format is not usable. */
export function compileDateFormat(format: string): DateParser {
  if (format === 'ISO') return parseIso;
  const groups: string[] = [];
  let regex = '^';
  let i = 0;
  while (i < format.length) {
    if (format[i] === '[') {
      const close = format.indexOf(']', i);
      if (close === -1) throw new Error(`unclosed "[" in date format "${format}"`);
      regex += escapeRegex(format.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    const token = TOKENS.find((t) => format.startsWith(t.token, i));
    if (token) {
      if (groups.includes(token.group) || (token.group.startsWith('year') && groups.some((g) => g.startsWith('year')))) {
        throw new Error(`date format "${format}" repeats ${token.token}`);
      }
      groups.push(token.group);
      regex += token.pattern;
      i += token.token.length;
      continue;
    }
    if (/[A-Za-z]/.test(format[i])) throw new Error(`unknown token "${format[i]}" in date format "${format}" (put literal letters in [brackets])`);
    regex += escapeRegex(format[i]);
    i++;
  }
  regex += '$';
  if (!groups.some((g) => g.startsWith('year')) || !groups.includes('month') || !groups.includes('day')) {
    throw new Error(`date format "${format}" needs a year (YYYY or YY), a month (MM or M) and a day (DD or D)`);
  }
  if (groups.includes('minute') && !groups.includes('hour')) throw new Error(`date format "${format}" has minutes (mm) without hours (HH)`);
  const compiled = new RegExp(regex);
  const at = (name: string): number => groups.indexOf(name) + 1;
  const yearAt = at('year');
  const year2At = at('year2');
  const monthAt = at('month');
  const dayAt = at('day');
  const hourAt = at('hour');
  const minuteAt = at('minute');
  const secondAt = at('second');
  const millisAt = at('millis');
  const offsetAt = at('offset');
  const hasTime = hourAt > 0;
  const fixed = hasTime ? null : fixedWidthDateParser(format);
  if (fixed) return fixed;
  return (text: string): string | null => {
    const m = compiled.exec(text);
    if (!m) return null;
    let year: number;
    if (yearAt) year = Number(m[yearAt]);
    else {
      const yy = Number(m[year2At]);
      year = yy < 50 ? 2000 + yy : 1900 + yy;
    }
    const month = Number(m[monthAt]);
    const day = Number(m[dayAt]);
    if (!validDate(year, month, day)) return null;
    if (!hasTime) return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
    return buildDateTime(year, month, day, Number(m[hourAt]), minuteAt ? Number(m[minuteAt]) : 0, secondAt ? Number(m[secondAt]) : 0, millisAt ? m[millisAt] : undefined, offsetAt ? m[offsetAt] : undefined);
  };
}

/**
 * A faster parser for date-only formats made of fixed-width tokens (`YYYY`, `MM`, `DD`) and
 * one-character separators — `DD/MM/YYYY`, `YYYYMMDD`, `YYYY-MM-DD`: character offsets instead
 * of a regular expression.
 */
function fixedWidthDateParser(format: string): DateParser | null {
  if (!/^(YYYY|MM|DD|[^A-Za-z[\]])+$/.test(format)) return null;
  const y = format.indexOf('YYYY');
  const m = format.indexOf('MM');
  const d = format.indexOf('DD');
  if (y === -1 || m === -1 || d === -1) return null;
  const length = format.length;
  const literals: [number, number][] = [];
  for (let i = 0; i < length; i++) {
    const inToken = (i >= y && i < y + 4) || (i >= m && i < m + 2) || (i >= d && i < d + 2);
    if (!inToken) literals.push([i, format.charCodeAt(i)]);
  }
  const digits = [y, y + 1, y + 2, y + 3, m, m + 1, d, d + 1];
  return (text: string): string | null => {
    if (text.length !== length) return null;
    for (const [at, code] of literals) if (text.charCodeAt(at) !== code) return null;
    for (const at of digits) {
      const c = text.charCodeAt(at);
      if (c < 48 || c > 57) return null;
    }
    const year = (text.charCodeAt(y) - 48) * 1000 + (text.charCodeAt(y + 1) - 48) * 100 + (text.charCodeAt(y + 2) - 48) * 10 + (text.charCodeAt(y + 3) - 48);
    const month = (text.charCodeAt(m) - 48) * 10 + (text.charCodeAt(m + 1) - 48);
    const day = (text.charCodeAt(d) - 48) * 10 + (text.charCodeAt(d + 1) - 48);
    if (!validDate(year, month, day)) return null;
    return `${text.slice(y, y + 4)}-${text.slice(m, m + 2)}-${text.slice(d, d + 2)}`;
  };
}

/** ISO 8601: a date (`2024-05-01`) or a date-time; a date-time without offset is taken as UTC. */
export function parseIso(text: string): string | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!validDate(year, month, day)) return null;
  if (m[4] === undefined) return `${m[1]}-${m[2]}-${m[3]}`;
  return buildDateTime(year, month, day, Number(m[4]), Number(m[5]), m[6] ? Number(m[6]) : 0, m[7], m[8]);
}

function buildDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number, fraction: string | undefined, offset: string | undefined): string | null {
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (offset && offset !== 'Z') {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  const iso = new Date(utc).toISOString();
  return millis === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1];
}

/** A valid `YYYY-MM-DD` date (checked without a regular expression: the hot path of date properties). */
export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  for (const i of DATE_DIGITS) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const year = (text.charCodeAt(0) - 48) * 1000 + (text.charCodeAt(1) - 48) * 100 + (text.charCodeAt(2) - 48) * 10 + (text.charCodeAt(3) - 48);
  const month = (text.charCodeAt(5) - 48) * 10 + (text.charCodeAt(6) - 48);
  const day = (text.charCodeAt(8) - 48) * 10 + (text.charCodeAt(9) - 48);
  return validDate(year, month, day);
}
const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `YYYY-MM-DD` */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
