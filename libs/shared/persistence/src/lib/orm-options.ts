import { Migrator } from '@mikro-orm/migrations';
import { Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Constructor, EntityClass, MigrationObject } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';

export interface PersistenceConfig {
  DATABASE_URL: string;
  DATABASE_SCHEMA: string;
  DATABASE_POOL_MAX: number;
}

export interface PersistenceOptions {
  service: string;
  config: PersistenceConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- MikroORM's own entity typing
  entities: EntityClass<any>[];
  /** Migration classes in order, named `Migration<yyyyMMddHHmmss>_<what>` — bundled, not globbed. */
  migrations: Constructor<Migration>[];
  debug?: boolean;
}

/**
 * MikroORM options of one service: its own PostgreSQL schema (also set as `search_path` on every
 * pooled connection, so raw SQL in migrations and hot paths lands in the right schema), explicit
 * entity and migration lists (bundle-friendly), and never schema sync at runtime.
 */
export function mikroOrmOptions(options: PersistenceOptions): Options {
  const schema = options.config.DATABASE_SCHEMA;
  const migrationsList: MigrationObject[] = options.migrations.map((cls) => ({ name: cls.name, class: cls }));
  return {
    driver: PostgreSqlDriver,
    clientUrl: options.config.DATABASE_URL,
    schema,
    entities: options.entities,
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    pool: {
      min: 0,
      max: options.config.DATABASE_POOL_MAX,
      afterCreate: (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) => {
        conn.query(`SET search_path TO "${schema}", public`, (err) => done(err, conn));
      },
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    allowGlobalContext: false,
    debug: options.debug ?? false,
    ensureDatabase: false,
  };
}
