import { PropertyFilter } from '@vigie/ontology-contracts';
import { SqlFragment } from '@vigie/shared-policy';
import { pgArray } from '../sql/ontology-database';
import { propertyScope, ReaderScope } from '../sql/scope';

const EARTH_RADIUS_M = 6_371_008.8;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * One property filter as SQL on `alias.properties`. The property must be VISIBLE to the reader
 * (its own marking) for a row to match, so a filter never reveals a value the reader may not see.
 * Multi-valued properties match when one of their values does.
 */
export function propertyFilterSql(alias: string, filter: PropertyFilter, scope: ReaderScope): SqlFragment {
  const [rank, held] = propertyScope(scope);
  const entry = `${alias}.properties -> ?`;
  const visible = `entry_visible(${entry}, ?, ?::text[])`;
  const head: (string | number)[] = [filter.property, rank, held];
  const any = (predicate: string) => `EXISTS (SELECT 1 FROM value_elements(${entry} -> 'value') x WHERE ${predicate})`;
  switch (filter.op) {
    case 'eq':
      return { sql: `(${visible} AND ${any(`x #>> '{}' = ?`)})`, params: [...head, filter.property, filter.value] };
    case 'neq':
      return { sql: `(${visible} AND NOT ${any(`x #>> '{}' = ?`)})`, params: [...head, filter.property, filter.value] };
    case 'prefix':
      return { sql: `(${visible} AND ${any(`x #>> '{}' LIKE ? ESCAPE '\\'`)})`, params: [...head, filter.property, `${escapeLike(filter.value)}%`] };
    case 'contains':
      return { sql: `(${visible} AND ${any(`x #>> '{}' ILIKE ? ESCAPE '\\'`)})`, params: [...head, filter.property, `%${escapeLike(filter.value)}%`] };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[filter.op];
      const predicate =
        typeof filter.value === 'number'
          ? `jsonb_typeof(x) = 'number' AND (x #>> '{}')::numeric ${op} ?`
          : `jsonb_typeof(x) = 'string' AND x #>> '{}' ${op} ?`;
      return { sql: `(${visible} AND ${any(predicate)})`, params: [...head, filter.property, filter.value] };
    }
    case 'in':
      return { sql: `(${visible} AND ${any(`x #>> '{}' = ANY(?::text[])`)})`, params: [...head, filter.property, pgArray(filter.value)] };
    case 'exists':
      return filter.value ? { sql: `(${visible})`, params: head } : { sql: `(NOT coalesce(${visible}, false))`, params: head };
    case 'within': {
      // Haversine distance between the stored point and the centre.
      const lat = `((x ->> 'lat')::float8)`;
      const lon = `((x ->> 'lon')::float8)`;
      const distance = `2 * ${EARTH_RADIUS_M} * asin(sqrt(power(sin(radians(${lat} - ?) / 2), 2) + cos(radians(?)) * cos(radians(${lat})) * power(sin(radians(${lon} - ?) / 2), 2)))`;
      const { center, radiusMeters } = filter.value;
      return {
        sql: `(${visible} AND ${any(`jsonb_typeof(x) = 'object' AND ${distance} <= ?`)})`,
        params: [...head, filter.property, center.lat, center.lat, center.lon, radiusMeters],
      };
    }
  }
}
