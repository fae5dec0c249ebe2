import { Pool, PoolClient, QueryResultRow } from 'pg';

/**
 * Set-based SQL for the projections and the queries. This is the hot path (bulk projection,
 * graph expansion, ranked search), so it bypasses MikroORM's unit of work and talks to
 * PostgreSQL through its own small `pg` pool — with the same schema on `search_path` as the
 * ORM's pool. Every statement is parameterised; markings filters come from `@vigie/shared-policy`.
 */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface AnalyticsDbOptions {
  url: string;
  schema: string;
  max?: number;
  /** Name shown in `pg_stat_activity`. */
  applicationName?: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export class AnalyticsDb implements Queryable {
  readonly pool: Pool;

  constructor(readonly options: AnalyticsDbOptions) {
    if (!IDENT.test(options.schema)) throw new Error(`Schema "${options.schema}" is not a lowercase SQL identifier`);
    this.pool = new Pool({ connectionString: options.url, max: options.max ?? 8, application_name: options.applicationName ?? 'vigie-analytics' });
    this.pool.on('connect', (client) => {
      // Queued before any other statement of this client.
      void client
        .query(
          `SET search_path TO "${options.schema}", public; SET TimeZone TO 'UTC'; SET pg_trgm.similarity_threshold = 0.3; SET pg_trgm.word_similarity_threshold = 0.45`,
        )
        .catch(() => undefined);
    });
  }

  async query<R extends QueryResultRow = QueryResultRow>(text: string, values: unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    return this.pool.query<R>(text, values);
  }

  /** Runs `fn` in one transaction (committed if it resolves, rolled back if it throws). */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Accumulates positional parameters: `p.add(v)` returns `$n`. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Appends a `?`-placeholder fragment (from the policy library), renumbered. */
  fragment(f: { sql: string; params: (string | number)[] }): string {
    let i = 0;
    const sql = f.sql.replace(/\?/g, () => this.add(f.params[i++]));
    if (i !== f.params.length) throw new Error(`Fragment has ${i} placeholders but ${f.params.length} parameters`);
    return sql;
  }
}
