import { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Runs SQL with `?` placeholders (knex style, real bind parameters) and returns the rows. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

interface KnexLike {
  raw(sql: string, bindings: readonly unknown[]): Promise<{ rows: unknown[] }>;
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

function wrap(knex: KnexLike): Sql {
  return {
    async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await knex.raw(text, params.map(binding));
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
