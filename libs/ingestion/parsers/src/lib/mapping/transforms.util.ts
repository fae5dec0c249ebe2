import { compileDateFormat, DateParser } from './date-format.util';

/** A failed value: the record is rejected with this message (returned, never thrown, on the hot path). */
export class ValueRejection {
  constructor(readonly message: string) {}
}

export type Value = unknown;
export type Transform = (value: Value) => Value;

/** Names of the transforms a mapping may use, for error messages. */
export const TRANSFORM_NAMES = ['trim', 'lower', 'upper', 'title', 'collapse', 'date', 'split', 'replace', 'map', 'prefix', 'suffix'] as const;

/** Applies `fn` to a string, or to each string of a list; other values pass unchanged. */
function eachString(fn: (s: string) => Value): Transform {
  return (value) => {
    if (typeof value === 'string') return fn(value);
    if (Array.isArray(value)) {
      const out: Value[] = [];
      for (const item of value) {
        const mapped = typeof item === 'string' ? fn(item) : item;
        if (mapped instanceof ValueRejection) return mapped;
        out.push(mapped);
      }
      return out;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return fn(String(value));
    return value;
  };
}

const WORD_START = /(^|[\s\-'’])(\p{L})/gu;
const titleCase = (s: string): string => s.toLowerCase().replace(WORD_START, (_m, sep: string, letter: string) => sep + letter.toUpperCase());

/**
 * Builds one transform from its mapping form: a name (`trim`) or a one-key object
 * (`{ date: "DD/MM/YYYY" }`, `{ split: ";" }`, `{ replace: { from: ".", to: "" } }`,
 * `{ map: { M: male, F: female } }`, `{ prefix: "+33" }`). Throws an Error naming what is wrong.
 */
export function compileTransform(spec: unknown): { transform: Transform; producesList: boolean } {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'trim':
        return { transform: eachString((s) => s.trim()), producesList: false };
      case 'lower':
        return { transform: eachString((s) => s.toLowerCase()), producesList: false };
      case 'upper':
        return { transform: eachString((s) => s.toUpperCase()), producesList: false };
      case 'title':
        return { transform: eachString(titleCase), producesList: false };
      case 'collapse':
        return { transform: eachString((s) => s.replace(/\s+/g, ' ').trim()), producesList: false };
      default:
        throw new Error(`unknown transform "${spec}" (known: ${TRANSFORM_NAMES.join(', ')})`);
    }
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || Object.keys(spec).length !== 1) {
    throw new Error(`a transform is a name (trim, lower, upper, title, collapse) or an object with one key (${TRANSFORM_NAMES.slice(5).join(', ')})`);
  }
  const [name, arg] = Object.entries(spec)[0];
  switch (name) {
    case 'date': {
      const formats = Array.isArray(arg) ? arg : [arg];
      if (formats.length === 0 || formats.some((f) => typeof f !== 'string' || f === '')) throw new Error('date needs a format or a list of formats, e.g. { date: "DD/MM/YYYY" }');
      const parsers: DateParser[] = (formats as string[]).map((f) => compileDateFormat(f));
      const described = (formats as string[]).join(' or ');
      return {
        transform: eachString((s) => {
          const text = s.trim();
          if (text === '') return '';
          for (const parse of parsers) {
            const parsed = parse(text);
            if (parsed !== null) return parsed;
          }
          return new ValueRejection(`"${text}" is not a date in the format ${described}`);
        }),
        producesList: false,
      };
    }
    case 'split': {
      if (typeof arg !== 'string' || arg === '') throw new Error('split needs a separator, e.g. { split: ";" }');
      return {
        transform: (value) => {
          if (typeof value !== 'string') return value;
          const parts = value.split(arg).map((p) => p.trim()).filter((p) => p !== '');
          return parts;
        },
        producesList: true,
      };
    }
    case 'replace': {
      const ok = arg !== null && typeof arg === 'object' && typeof (arg as { from?: unknown }).from === 'string' && typeof (arg as { to?: unknown }).to === 'string' && (arg as { from: string }).from !== '';
      if (!ok) throw new Error('replace needs { from: "text", to: "text" }');
      const { from, to } = arg as { from: string; to: string };
      return { transform: eachString((s) => s.split(from).join(to)), producesList: false };
    }
    case 'map': {
      if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) throw new Error('map needs a table of values, e.g. { map: { M: male, F: female } }');
      const table = new Map<string, unknown>(Object.entries(arg as Record<string, unknown>));
      return { transform: eachString((s) => (table.has(s) ? table.get(s) : s)), producesList: false };
    }
    case 'prefix':
    case 'suffix': {
      if (typeof arg !== 'string') throw new Error(`${name} needs a text, e.g. { ${name}: "+33" }`);
      return { transform: eachString((s) => (s === '' ? s : name === 'prefix' ? arg + s : s + arg)), producesList: false };
    }
    default:
      throw new Error(`unknown transform "${name}" (known: ${TRANSFORM_NAMES.join(', ')})`);
  }
}

/** Runs transforms in order; stops at the first rejection. */
export function chain(transforms: Transform[]): Transform | null {
  if (transforms.length === 0) return null;
  if (transforms.length === 1) return transforms[0];
  return (value) => {
    let v = value;
    for (const t of transforms) {
      v = t(v);
      if (v instanceof ValueRejection) return v;
    }
    return v;
  };
}
