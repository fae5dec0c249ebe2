import {
  GeoPoint,
  LinkType,
  ObjectType,
  OntologyException,
  OntologyExceptionCode,
  OntologyProblem,
  PropertyDefinition,
  PropertyScalar,
  PropertyValue,
  PropertyValues,
} from '@vigie/ontology-contracts';
import { normaliseIdentifier } from '../normalisers/identifier.normaliser';

export type ValueResult = { ok: true; value: PropertyValue } | { ok: false; problem: OntologyProblem };
type ScalarResult = { ok: true; value: PropertyScalar } | { ok: false; reason: string };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FR_DATE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** `YYYY-MM-DD`, `DD/MM/YYYY` (French order) or the date part of an ISO timestamp → `YYYY-MM-DD`. */
export function coerceDate(raw: unknown): ScalarResult {
  if (typeof raw !== 'string') return { ok: false, reason: `expected a date (YYYY-MM-DD), got ${describe(raw)}` };
  const text = raw.trim();
  let y: number, m: number, d: number;
  const iso = ISO_DATE.exec(text) ?? (ISO_DATETIME.test(text) ? ISO_DATE.exec(text.slice(0, 10)) : null);
  const fr = FR_DATE.exec(text);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (fr) [y, m, d] = [Number(fr[3]), Number(fr[2]), Number(fr[1])];
  else return { ok: false, reason: `"${raw}" is not a date (expected YYYY-MM-DD or DD/MM/YYYY)` };
  if (!isCalendarDate(y, m, d)) return { ok: false, reason: `"${raw}" is not a day of the calendar` };
  return { ok: true, value: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/** ISO 8601 timestamps with a time zone → UTC `YYYY-MM-DDTHH:mm:ss.sssZ`. A timestamp without zone is refused (ambiguous). */
export function coerceDatetime(raw: unknown): ScalarResult {
  if (raw instanceof Date) raw = raw.toISOString();
  if (typeof raw !== 'string') return { ok: false, reason: `expected an ISO 8601 timestamp, got ${describe(raw)}` };
  const text = raw.trim();
  if (!ISO_DATETIME.test(text)) {
    return /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)
      ? { ok: false, reason: `timestamp "${raw}" has no time zone (add Z or an offset such as +02:00)` }
      : { ok: false, reason: `"${raw}" is not an ISO 8601 timestamp (e.g. 2024-05-01T14:30:00Z)` };
  }
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  if (!isCalendarDate(y, m, d)) return { ok: false, reason: `"${raw}" is not a day of the calendar` };
  const ms = Date.parse(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) return { ok: false, reason: `"${raw}" is not a valid timestamp` };
  return { ok: true, value: new Date(ms).toISOString() };
}

/** Numbers, or strings holding one (`"1 234,5"` French style accepted). */
export function coerceNumber(raw: unknown): ScalarResult {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, reason: `${raw} is not a finite number` };
  if (typeof raw !== 'string') return { ok: false, reason: `expected a number, got ${describe(raw)}` };
  const text = raw.trim().replace(/[\s\u00a0\u202f]/g, '');
  const normalised = /^-?\d+,\d+$/.test(text) ? text.replace(',', '.') : text;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalised)) return { ok: false, reason: `"${raw}" is not a number` };
  return { ok: true, value: Number(normalised) };
}

export function coerceGeoPoint(raw: unknown): ScalarResult {
  let lat: unknown;
  let lon: unknown;
  if (typeof raw === 'string') {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,;]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(raw);
    if (!m) return { ok: false, reason: `"${raw}" is not a point (expected "lat,lon" or {lat, lon})` };
    [lat, lon] = [Number(m[1]), Number(m[2])];
  } else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    lat = o['lat'] ?? o['latitude'];
    lon = o['lon'] ?? o['lng'] ?? o['longitude'];
  } else {
    return { ok: false, reason: `expected a point {lat, lon}, got ${describe(raw)} (arrays are refused: their axis order is ambiguous)` };
  }
  const la = coerceNumber(lat);
  const lo = coerceNumber(lon);
  if (!la.ok || !lo.ok) return { ok: false, reason: 'a point needs numeric lat and lon' };
  const point: GeoPoint = { lat: la.value as number, lon: lo.value as number };
  if (point.lat < -90 || point.lat > 90) return { ok: false, reason: `latitude ${point.lat} is outside -90..90` };
  if (point.lon < -180 || point.lon > 180) return { ok: false, reason: `longitude ${point.lon} is outside -180..180` };
  return { ok: true, value: point };
}

function coerceBoolean(raw: unknown): ScalarResult {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const text = String(raw).trim().toLowerCase();
  if (['true', 'yes', 'oui', 'vrai', '1', 'y', 'o'].includes(text)) return { ok: true, value: true };
  if (['false', 'no', 'non', 'faux', '0', 'n'].includes(text)) return { ok: true, value: false };
  return { ok: false, reason: `"${String(raw)}" is not a boolean (true/false, oui/non)` };
}

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  return typeof raw === 'string' ? `"${raw}"` : typeof raw;
}

function asText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'bigint') return raw.toString();
  return undefined;
}

function coerceScalar(def: PropertyDefinition, raw: unknown): ScalarResult {
  switch (def.kind) {
    case 'string':
    case 'text': {
      const text = asText(raw) ?? (typeof raw === 'boolean' ? String(raw) : undefined);
      if (text === undefined) return { ok: false, reason: `expected text, got ${describe(raw)}` };
      const value = def.kind === 'string' ? text.trim().replace(/\s+/g, ' ') : text.trim();
      if (!value) return { ok: false, reason: 'is empty' };
      if (def.kind === 'string' && def.maxLength !== undefined && value.length > def.maxLength) {
        return { ok: false, reason: `is ${value.length} characters long, more than ${def.maxLength}` };
      }
      return { ok: true, value };
    }
    case 'number': {
      const n = coerceNumber(raw);
      if (!n.ok) return n;
      const v = n.value as number;
      if (def.integer && !Number.isInteger(v)) return { ok: false, reason: `${v} is not an integer` };
      if (def.min !== undefined && v < def.min) return { ok: false, reason: `${v} is below the minimum ${def.min}` };
      if (def.max !== undefined && v > def.max) return { ok: false, reason: `${v} is above the maximum ${def.max}` };
      return n;
    }
    case 'boolean':
      return coerceBoolean(raw);
    case 'date':
      return coerceDate(raw);
    case 'datetime':
      return coerceDatetime(raw);
    case 'geo-point':
      return coerceGeoPoint(raw);
    case 'enum': {
      const text = asText(raw);
      if (text === undefined) return { ok: false, reason: `expected one of ${def.values.slice(0, 10).join(', ')}, got ${describe(raw)}` };
      const wanted = text.trim().toLowerCase();
      const value = def.values.find((v) => v === wanted);
      if (!value) {
        const more = def.values.length > 10 ? ', …' : '';
        return { ok: false, reason: `"${text}" is not one of ${def.values.slice(0, 10).join(', ')}${more}` };
      }
      return { ok: true, value };
    }
    case 'identifier': {
      const text = asText(raw);
      if (text === undefined) return { ok: false, reason: `expected an identifier (${def.normaliser}), got ${describe(raw)}` };
      const r = normaliseIdentifier(def.normaliser, text, { defaultCountry: def.defaultCountry });
      return r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.reason };
    }
  }
}

function sameScalar(a: PropertyScalar, b: PropertyScalar): boolean {
  return typeof a === 'object' && typeof b === 'object' ? a.lat === b.lat && a.lon === b.lon : a === b;
}

/**
 * Checks and normalises one property value against its definition: coercions (numbers and
 * dates from text, French decimal commas and DD/MM/YYYY dates, "lat,lon" points), identifiers
 * normalised, lists for `multiple` properties (duplicates dropped). The problem names the property.
 */
export function validatePropertyValue(def: PropertyDefinition, raw: unknown, path = def.name): ValueResult {
  const fail = (reason: string, code = 'INVALID_VALUE'): ValueResult => ({
    ok: false,
    problem: { code, path, message: `${path}: ${reason}` },
  });
  if (def.kind === 'geo-point' && Array.isArray(raw) && raw.length === 2 && raw.every((x) => typeof x === 'number')) {
    return fail('a point must be {lat, lon} or "lat,lon": a pair of numbers is refused, its axis order is ambiguous');
  }
  if (Array.isArray(raw)) {
    if (!def.multiple) return fail(`takes one value, got a list of ${raw.length}`, 'NOT_MULTIPLE');
    const values: PropertyScalar[] = [];
    for (let i = 0; i < raw.length; i++) {
      const r = coerceScalar(def, raw[i]);
      if (!r.ok) return fail(`value ${i + 1}: ${r.reason}`, def.kind === 'identifier' ? 'INVALID_IDENTIFIER' : 'INVALID_VALUE');
      if (!values.some((v) => sameScalar(v, r.value))) values.push(r.value);
    }
    return { ok: true, value: values };
  }
  const r = coerceScalar(def, raw);
  if (!r.ok) return fail(r.reason, def.kind === 'identifier' ? 'INVALID_IDENTIFIER' : 'INVALID_VALUE');
  return { ok: true, value: def.multiple ? [r.value] : r.value };
}

export interface ValidatedProperties {
  /** Normalised values to store. */
  values: Record<string, PropertyValue>;
  /** Properties the write unsets (`null` or an empty list), only in `update` mode. */
  unset: string[];
  problems: OntologyProblem[];
}

/**
 * Validates the property values of a write against an object or link type. `create`: every
 * required property must be present. `update`: only named properties change; `null` unsets,
 * but never a required one. Unknown properties are refused.
 */
export function validateProperties(
  type: Pick<ObjectType, 'name' | 'properties'> | Pick<LinkType, 'name' | 'properties'>,
  input: PropertyValues | Record<string, unknown>,
  mode: 'create' | 'update' = 'create',
): ValidatedProperties {
  const byName = new Map(type.properties.map((p) => [p.name, p] as const));
  const out: ValidatedProperties = { values: {}, unset: [], problems: [] };
  for (const [name, raw] of Object.entries(input)) {
    const def = byName.get(name);
    const path = `${type.name}.${name}`;
    if (!def) {
      out.problems.push({ code: 'UNKNOWN_PROPERTY', path, message: `${path}: ${type.name} has no property "${name}"` });
      continue;
    }
    const empty = raw === null || raw === undefined || (Array.isArray(raw) && raw.length === 0) || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (def.required) out.problems.push({ code: 'REQUIRED_PROPERTY', path, message: `${path} is required and cannot be empty` });
      else if (mode === 'update') out.unset.push(name);
      continue;
    }
    const r = validatePropertyValue(def, raw, path);
    if (r.ok) out.values[name] = r.value;
    else out.problems.push(r.problem);
  }
  if (mode === 'create') {
    for (const def of type.properties) {
      if (def.required && !(def.name in out.values) && !out.problems.some((p) => p.path === `${type.name}.${def.name}`)) {
        out.problems.push({ code: 'REQUIRED_PROPERTY', path: `${type.name}.${def.name}`, message: `${type.name}.${def.name} is required` });
      }
    }
  }
  return out;
}

/** `validateProperties`, throwing `ONTOLOGY_INVALID_PROPERTIES` with every problem named. */
export function assertValidProperties(
  type: Pick<ObjectType, 'name' | 'properties'> | Pick<LinkType, 'name' | 'properties'>,
  input: PropertyValues | Record<string, unknown>,
  mode: 'create' | 'update' = 'create',
): Omit<ValidatedProperties, 'problems'> {
  const { values, unset, problems } = validateProperties(type, input, mode);
  if (problems.length) {
    throw new OntologyException(
      OntologyExceptionCode.InvalidProperties,
      `Invalid properties for ${type.name}: ${problems.map((p) => p.message).join('; ')}`,
      { problems },
    );
  }
  return { values, unset };
}
