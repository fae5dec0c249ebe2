import { AuditException, AuditExceptionCode } from '@vigie/audit-contracts';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * - Numbers: ECMAScript `Number.prototype.toString` (shortest round-trip form, `1e+21`,
 *   `-0` → `0`); NaN and ±Infinity are refused.
 * - Strings: ECMAScript `JSON.stringify` escaping (`\"`, `\\`, `\b \f \n \r \t`, other controls
 *   as `\u00xx`, everything else as is); lone surrogates are refused (I-JSON, RFC 7493).
 * - Objects: members sorted by the UTF-16 code units of their names (JavaScript's default string
 *   order), no whitespace. Members whose value is `undefined` are omitted, as `JSON.stringify`
 *   and a JSON round trip through storage omit them.
 * - Anything that is not plain JSON (Date, Map, class instance, bigint, function, symbol,
 *   `undefined` in an array, a cycle) is refused with the path of the offending value.
 *
 * The caller hashes the UTF-8 encoding of the returned string.
 */
export function canonicalize(value: unknown): string {
  return write(value, '$', new Set());
}

/** UTF-8 bytes of the canonical form. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

/** The value as it is after a round trip through canonical JSON (undefined members dropped, -0 → 0). */
export function toCanonicalJson<T extends JsonValue = JsonValue>(value: unknown): T {
  return JSON.parse(canonicalize(value)) as T;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainPrototype(value);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refuse(path: string, why: string): never {
  throw new AuditException(AuditExceptionCode.NotCanonicalizable, `Cannot canonicalize ${path}: ${why}`, { path });
}

function isPlainPrototype(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function writeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) refuse(path, 'string holds a lone UTF-16 surrogate (not valid Unicode)');
  return JSON.stringify(s);
}

function write(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return writeString(value, path);
    case 'number':
      if (!Number.isFinite(value)) refuse(path, `${value} is not a JSON number`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return refuse(path, `a ${typeof value} is not JSON`);
  }
  if (value === null) return 'null';
  if (seen.has(value)) refuse(path, 'cyclic structure');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const parts: string[] = [];
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === undefined) refuse(`${path}[${i}]`, 'undefined is not JSON');
        parts.push(write(item, `${path}[${i}]`, seen));
      }
      return `[${parts.join(',')}]`;
    }
    if (!isPlainPrototype(value)) {
      refuse(path, `a ${value.constructor?.name ?? 'non-plain'} object is not JSON (convert it first, e.g. a Date to an ISO string)`);
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      const childPath = `${path}.${key}`;
      parts.push(`${writeString(key, childPath)}:${write(item, childPath, seen)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
