import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Runs SQL with `?` placeholders (knex style, real bind parameters) and returns the rows. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

interface KnexLike {
  raw(sql: string, bindings: readonly unknown[]): Promise<{ rows: unknown[] }>;
  transaction<T>(fn: (trx: KnexLike) => Promise<T>): Promise<T>;
}

function binding(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) throw new TypeError('pass arrays as JSON (?::jsonb) — knex would expand them');
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
 * The ingestion service's SQL access, through the knex instance of the service's MikroORM pool
 * (same pool, `search_path` = the service schema). The repositories bypass the unit of work on
 * purpose: a job's checkpoint (quarantined records, batch acknowledgement, position and counts)
 * is a few set-based statements in one transaction, run after every acknowledged batch.
 */
export class IngestionDatabase {
  constructor(private readonly orm: MikroORM) {}

  private knex(): KnexLike {
    return (this.orm.em as unknown as EntityManager).getConnection().getKnex() as unknown as KnexLike;
  }

  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.knex().transaction((trx) => fn(wrap(trx)));
  }

  read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return fn(wrap(this.knex()));
  }
}
