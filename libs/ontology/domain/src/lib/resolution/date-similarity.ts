import { oneEditApart } from './string-similarity';

/** A date that may be known only to the year or the month. */
export interface PartialDate {
  y: number;
  m?: number;
  d?: number;
}

/** Reads `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, an ISO timestamp or `DD/MM/YYYY`; undefined if unreadable. */
export function parsePartialDate(raw: string | undefined | null): PartialDate | undefined {
  if (!raw) return undefined;
  const text = raw.trim();
  let m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$/.exec(text);
  if (m) return build(Number(m[1]), m[2] ? Number(m[2]) : undefined, m[3] ? Number(m[3]) : undefined);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (m) return build(Number(m[3]), Number(m[2]), Number(m[1]));
  return undefined;
}

function build(y: number, m?: number, d?: number): PartialDate | undefined {
  if (y < 1000 || y > 2999) return undefined;
  if (m !== undefined && (m < 1 || m > 12)) return undefined;
  if (d !== undefined && (d < 1 || d > 31)) return undefined;
  return { y, ...(m ? { m } : {}), ...(m && d ? { d } : {}) };
}

export interface DateComparison {
  category: 'exact' | 'day-month-swapped' | 'one-digit' | 'compatible-partial' | 'different' | 'missing';
  /** Log-odds contribution. */
  weight: number;
  detail: string;
}

function fmt(p: PartialDate): string {
  return [String(p.y), p.m ? String(p.m).padStart(2, '0') : '', p.d ? String(p.d).padStart(2, '0') : ''].filter(Boolean).join('-');
}

/** Weights of birth date evidence (log-odds). A clearly different birth date rules a match out. */
export const DATE_WEIGHTS = {
  exact: 5,
  swapped: 3,
  oneDigit: 1,
  sameMonth: 1.5,
  sameYear: 1.5,
  sameYearOnly: 0.5,
  different: -6,
} as const;

/**
 * Compares two birth dates: exact, day and month swapped (US vs European order), one digit
 * off (a typo), compatible when one is known only to the year or month, else different.
 */
/** Category and weight only (no text): the fast path of pair scoring. */
export function classifyBirthDates(a: PartialDate | undefined, b: PartialDate | undefined): Omit<DateComparison, 'detail'> {
  if (!a || !b) return { category: 'missing', weight: 0 };
  if (a.d && b.d && a.m && b.m) {
    if (a.y === b.y && a.m === b.m && a.d === b.d) return { category: 'exact', weight: DATE_WEIGHTS.exact };
    if (a.y === b.y && a.m === b.d && a.d === b.m) return { category: 'day-month-swapped', weight: DATE_WEIGHTS.swapped };
    const near = a.y === b.y && a.m === b.m && Math.abs(a.d - b.d) === 1;
    const sameShape = (a.y === b.y ? 1 : 0) + (a.m === b.m ? 1 : 0) + (a.d === b.d ? 1 : 0) >= 2;
    if (near || (sameShape && oneEditApart(digits(a), digits(b)))) return { category: 'one-digit', weight: DATE_WEIGHTS.oneDigit };
    return { category: 'different', weight: DATE_WEIGHTS.different };
  }
  if (a.y !== b.y) return { category: 'different', weight: DATE_WEIGHTS.different + 1 };
  if (a.m && b.m) return a.m !== b.m ? { category: 'different', weight: DATE_WEIGHTS.different + 1 } : { category: 'compatible-partial', weight: DATE_WEIGHTS.sameMonth };
  return { category: 'compatible-partial', weight: !a.m && !b.m ? DATE_WEIGHTS.sameYearOnly : DATE_WEIGHTS.sameYear };
}

function digits(p: PartialDate): string {
  return `${p.y}${String(p.m ?? 0).padStart(2, '0')}${String(p.d ?? 0).padStart(2, '0')}`;
}

export function compareBirthDates(a: PartialDate | undefined, b: PartialDate | undefined): DateComparison {
  if (!a || !b) return { category: 'missing', weight: 0, detail: 'birth date missing on one side' };
  if (a.d && b.d && a.m && b.m) {
    if (a.y === b.y && a.m === b.m && a.d === b.d) return { category: 'exact', weight: DATE_WEIGHTS.exact, detail: `same birth date ${fmt(a)}` };
    if (a.y === b.y && a.m === b.d && a.d === b.m) {
      return { category: 'day-month-swapped', weight: DATE_WEIGHTS.swapped, detail: `birth dates ${fmt(a)} and ${fmt(b)} differ by day/month order` };
    }
    const near = a.y === b.y && a.m === b.m && Math.abs(a.d - b.d) === 1;
    // One digit off is a typo only where the other parts agree enough: cheap checks before the edit distance.
    const sameShape = (a.y === b.y ? 1 : 0) + (a.m === b.m ? 1 : 0) + (a.d === b.d ? 1 : 0) >= 2;
    if (near || (sameShape && oneEditApart(fmt(a).replace(/-/g, ''), fmt(b).replace(/-/g, '')))) {
      return { category: 'one-digit', weight: DATE_WEIGHTS.oneDigit, detail: `birth dates ${fmt(a)} and ${fmt(b)} differ by one digit or one day` };
    }
    return { category: 'different', weight: DATE_WEIGHTS.different, detail: `different birth dates ${fmt(a)} and ${fmt(b)}` };
  }
  if (a.y !== b.y) return { category: 'different', weight: DATE_WEIGHTS.different + 1, detail: `different birth years ${a.y} and ${b.y}` };
  if (a.m && b.m) {
    if (a.m !== b.m) return { category: 'different', weight: DATE_WEIGHTS.different + 1, detail: `different birth months ${fmt(a)} and ${fmt(b)}` };
    return { category: 'compatible-partial', weight: DATE_WEIGHTS.sameMonth, detail: `birth dates agree to the month (${fmt(a)} / ${fmt(b)})` };
  }
  const bothYearOnly = !a.m && !b.m;
  return {
    category: 'compatible-partial',
    weight: bothYearOnly ? DATE_WEIGHTS.sameYearOnly : DATE_WEIGHTS.sameYear,
    detail: `birth dates agree to the year (${fmt(a)} / ${fmt(b)})`,
  };
}
