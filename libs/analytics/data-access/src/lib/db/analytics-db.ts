import { createHash } from 'node:crypto';
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

/** Most distinct statement texts prepared per pool (each connection keeps its own copy). */
export const PREPARED_TEXTS = 200;

export class AnalyticsDb implements Queryable {
  readonly pool: Pool;
  private readonly prepared = new Set<string>();

  constructor(readonly options: AnalyticsDbOptions) {
    if (!IDENT.test(options.schema)) throw new Error(`Schema "${options.schema}" is not a lowercase SQL identifier`);
    // Session settings as startup options: in place before the first statement of every connection.
    const settings = [`search_path="${options.schema}",public`, 'TimeZone=UTC', 'pg_trgm.similarity_threshold=0.3', 'pg_trgm.word_similarity_threshold=0.6'];
    this.pool = new Pool({
      connectionString: options.url,
      max: options.max ?? 8,
      application_name: options.applicationName ?? 'vigie-analytics',
      options: settings.map((s) => `-c ${s}`).join(' '),
    });
    // An idle connection broken by a PostgreSQL restart emits 'error' on the pool; unheard, it
    // would end the process. The pool drops that client and the next query reconnects (or reports).
    this.pool.on('error', () => undefined);
    // pg-pool listens on a client only while it is idle: a client checked out when the server dies
    // (a query or transaction in flight) emits 'error' with no listener, which ends the process.
    // The query in flight still gets its error; the broken client is discarded at release.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /**
   * Runs one statement as a named prepared statement (the name is a digest of the text): each
   * connection parses and plans a query text once, and PostgreSQL may keep a generic plan — the
   * graph and search statements are long, and planning them cost as much as running them.
   * At most {@link PREPARED_TEXTS} distinct texts are prepared (they live in every connection);
   * texts beyond run unnamed.
   */
  async query<R extends QueryResultRow = QueryResultRow>(text: string, values: unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    const name = `vq_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (!this.prepared.has(name) && this.prepared.size >= PREPARED_TEXTS) return this.pool.query<R>(text, values);
    this.prepared.add(name);
    return this.pool.query<R>({ name, text, values });
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
