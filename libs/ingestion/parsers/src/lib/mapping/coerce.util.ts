import { PropertyDefinition, PropertyScalar } from '@vigie/ontology-contracts';
import { isIsoDate, parseIso } from './date-format.util';
import { ValueRejection } from './transforms.util';

/** A property value after coercion, `undefined` when empty, or a rejection. */
export type Coerced = PropertyScalar | PropertyScalar[] | undefined | ValueRejection;
export type Coercer = (value: unknown) => Coerced;

const TRUE = new Set(['true', '1', 'yes', 'y', 'oui', 'o', 'vrai', 't']);
const FALSE = new Set(['false', '0', 'no', 'n', 'non', 'faux', 'f']);

export function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function show(value: unknown): string {
  if (typeof value !== 'string') {
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 80 ? `${json.slice(0, 80)}…` : json;
  }
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** Coerces one scalar to the property's kind; `undefined` for an empty value. */
function scalarCoercer(def: PropertyDefinition): (value: unknown) => PropertyScalar | undefined | ValueRejection {
  const name = def.name;
  switch (def.kind) {
    case 'string':
    case 'text':
    case 'identifier': {
      const max = def.kind === 'string' ? def.maxLength : undefined;
      return (value) => {
        if (isEmpty(value)) return undefined;
        if (typeof value === 'object') return new ValueRejection(`property ${name} expects text, got ${show(value)}`);
        const text = typeof value === 'string' ? value : String(value);
        if (max !== undefined && text.length > max) return new ValueRejection(`property ${name} is ${text.length} characters, over its maximum of ${max}`);
        return text;
      };
    }
    case 'number': {
      const { integer, min, max } = def;
      return (value) => {
        if (isEmpty(value)) return undefined;
        let n: number;
        if (typeof value === 'number') n = value;
        else if (typeof value === 'string') {
          let text = value.trim().replace(/[\s\u00a0\u202f]/g, '');
          if (text.includes(',') && !text.includes('.')) text = text.replace(',', '.');
          n = text === '' ? NaN : Number(text);
        } else n = NaN;
        if (!Number.isFinite(n)) return new ValueRejection(`property ${name} expects a number, got ${show(value)}`);
        if (integer && !Number.isInteger(n)) return new ValueRejection(`property ${name} expects an integer, got ${show(value)}`);
        if (min !== undefined && n < min) return new ValueRejection(`property ${name} is ${n}, below its minimum of ${min}`);
        if (max !== undefined && n > max) return new ValueRejection(`property ${name} is ${n}, above its maximum of ${max}`);
        return n;
      };
    }
    case 'boolean':
      return (value) => {
        if (isEmpty(value)) return undefined;
        if (typeof value === 'boolean') return value;
        const text = String(value).trim().toLowerCase();
        if (TRUE.has(text)) return true;
        if (FALSE.has(text)) return false;
        return new ValueRejection(`property ${name} expects a boolean (true/false, oui/non, 1/0), got ${show(value)}`);
      };
    case 'date':
      return (value) => {
        if (isEmpty(value)) return undefined;
        if (typeof value !== 'string') return new ValueRejection(`property ${name} expects a date, got ${show(value)}`);
        if (isIsoDate(value)) return value;
        const text = value.trim();
        const parsed = parseIso(text);
        if (parsed !== null) return parsed.slice(0, 10);
        return new ValueRejection(`property ${name} expects a date (YYYY-MM-DD; use a date transform for other formats), got ${show(value)}`);
      };
    case 'datetime':
      return (value) => {
        if (isEmpty(value)) return undefined;
        if (typeof value !== 'string') return new ValueRejection(`property ${name} expects a date-time, got ${show(value)}`);
        const parsed = parseIso(value.trim());
        if (parsed === null) return new ValueRejection(`property ${name} expects an ISO 8601 date-time (use a date transform for other formats), got ${show(value)}`);
        return parsed.length === 10 ? `${parsed}T00:00:00Z` : parsed;
      };
    case 'geo-point':
      return (value) => {
        if (isEmpty(value)) return undefined;
        let lat: number;
        let lon: number;
        if (typeof value === 'string') {
          const parts = value.split(/[,;\s]+/).filter((p) => p !== '');
          lat = parts.length === 2 ? Number(parts[0]) : NaN;
          lon = parts.length === 2 ? Number(parts[1]) : NaN;
        } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          const point = value as { lat?: unknown; lon?: unknown };
          if (isEmpty(point.lat) && isEmpty(point.lon)) return undefined;
          lat = Number(typeof point.lat === 'string' ? point.lat.replace(',', '.') : point.lat);
          lon = Number(typeof point.lon === 'string' ? point.lon.replace(',', '.') : point.lon);
        } else return new ValueRejection(`property ${name} expects a geo point, got ${show(value)}`);
        if (!Number.isFinite(lat) || !Number.isFinite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
          return new ValueRejection(`property ${name} expects a geo point (latitude -90..90, longitude -180..180), got ${show(value)}`);
        }
        return { lat, lon };
      };
    case 'enum': {
      const values = new Set(def.values);
      const listed = def.values.length > 12 ? `${def.values.slice(0, 12).join(', ')}, …` : def.values.join(', ');
      return (value) => {
        if (isEmpty(value)) return undefined;
        const text = String(value);
        if (values.has(text)) return text;
        return new ValueRejection(`property ${name} expects one of ${listed}; got ${show(value)}`);
      };
    }
  }
}

/** Coerces a value (a scalar or a list for `multiple` properties) to the property's kind. */
export function propertyCoercer(def: PropertyDefinition): Coercer {
  const scalar = scalarCoercer(def);
  if (def.multiple) {
    return (value) => {
      if (Array.isArray(value)) {
        const out: PropertyScalar[] = [];
        for (const item of value) {
          const coerced = scalar(item);
          if (coerced instanceof ValueRejection) return coerced;
          if (coerced !== undefined) out.push(coerced);
        }
        return out.length === 0 ? undefined : out;
      }
      const coerced = scalar(value);
      if (coerced === undefined || coerced instanceof ValueRejection) return coerced;
      return [coerced];
    };
  }
  return (value) => {
    if (Array.isArray(value)) {
      if (value.length === 0) return undefined;
      if (value.length === 1) return scalar(value[0]);
      return new ValueRejection(`property ${def.name} holds one value, got a list of ${value.length}`);
    }
    return scalar(value);
  };
}

/** A link validity bound: a date or a date-time (`undefined` when empty). */
export function temporalCoercer(name: string): Coercer {
  return (value) => {
    if (isEmpty(value)) return undefined;
    if (typeof value !== 'string') return new ValueRejection(`${name} expects a date or date-time, got ${show(value)}`);
    const parsed = parseIso(value.trim());
    if (parsed === null) return new ValueRejection(`${name} expects an ISO 8601 date or date-time (use a date transform for other formats), got ${show(value)}`);
    return parsed;
  };
}
