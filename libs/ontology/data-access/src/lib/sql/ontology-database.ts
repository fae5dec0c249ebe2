import { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Runs SQL with `?` placeholders (knex style, real bind parameters) and returns the rows. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

interface KnexLike {
  raw(sql: string, bindings: readonly unknown[]): Promise<{ rows: unknown[]; fields?: readonly { name: string; dataTypeID: number }[] }>;
  transaction<T>(fn: (trx: KnexLike) => Promise<T>): Promise<T>;
}

/**
 * A PostgreSQL array literal (`{"a","b"}`) for a `?::text[]` / `?::uuid[]` parameter. Knex expands a
 * JS array binding into one placeholder per element, so arrays travel as literals.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function binding(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) throw new TypeError('pass arrays through pgArray() or JSON.stringify(), knex would expand them');
  return value;
}

/** PostgreSQL's text form of a timestamptz (the pool returns them as text): `2026-11-28 15:20:51.330455+00`. */
const PG_TIMESTAMPTZ = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::?(\d{2}))?$/;

/** Turns PostgreSQL timestamptz text into a Date (other values unchanged). */
export function pgTimestamp(value: unknown): unknown {
  // Cheap shape test first (`dddd-dd-dd dd:`): most strings of a row are ids, keys and names.
  if (typeof value !== 'string' || value.length < 22 || value.charCodeAt(4) !== 45 || value.charCodeAt(10) !== 32 || value.charCodeAt(13) !== 58) return value;
  const m = PG_TIMESTAMPTZ.exec(value);
  return m ? new Date(`${m[1]}T${m[2]}${m[3]}:${m[4] ?? '00'}`) : value;
}

/** PostgreSQL's type OID of `timestamptz`. */
const TIMESTAMPTZ_OID = 1184;

/** Turns the timestamptz columns of result rows into Dates: by the columns' types when the driver gives them, else every value that reads as one. */
export function timestampsToDates(result: { rows: unknown[]; fields?: readonly { name: string; dataTypeID: number }[] }): void {
  const rows = result.rows as Record<string, unknown>[];
  if (!result.fields) {
    for (const row of rows) for (const key of Object.keys(row)) row[key] = pgTimestamp(row[key]);
    return;
  }
  const columns = result.fields.filter((f) => f.dataTypeID === TIMESTAMPTZ_OID).map((f) => f.name);
  if (!columns.length) return;
  for (const row of rows) for (const column of columns) row[column] = pgTimestamp(row[column]);
}

function wrap(knex: KnexLike): Sql {
  return {
    async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await knex.raw(text, params.map(binding));
      // The shared pool hands timestamps back as text; rows of this library carry Dates. Only the
      // timestamptz columns are looked at (not every value of every row: ingest and resolution read thousands).
      timestampsToDates(result);
      return result.rows as T[];
    },
  };
}

/**
 * The ontology's SQL access. The repositories write set-based SQL through the knex instance of
 * the service's MikroORM pool (same pool, same `search_path` = the service schema) and bypass the
 * unit of work on purpose: markings filters, JSONB property projection and multi-row upserts are
 * single statements, not entity graphs.
 */
export class OntologyDatabase {
  constructor(private readonly orm: MikroORM) {}

  private knex(): KnexLike {
    return (this.orm.em as unknown as EntityManager).getConnection().getKnex() as unknown as KnexLike;
  }

  /** Runs `fn` in one transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.knex().transaction((trx) => fn(wrap(trx)));
  }

  /** Runs `fn` outside a transaction (single-statement reads). */
  read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return fn(wrap(this.knex()));
  }
}
