import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions, PersistenceOptions } from './orm-options';

/**
 * Runs pending migrations of one service, in its schema. Called by the `migrate` command of each
 * service (local stack, Helm pre-install/pre-upgrade Job) — never on application start, where
 * several replicas would race.
 */
export async function runMigrations(options: PersistenceOptions): Promise<{ applied: string[]; pending: number }> {
  const orm = await MikroORM.init(mikroOrmOptions(options));
  try {
    const schema = options.config.DATABASE_SCHEMA;
    const connection = orm.em.getConnection();
    const found = await connection.execute<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = ?`, [schema]);
    // The schema is normally created by the platform's database setup (owned by the service's role);
    // create it only where it is missing and the role may.
    if (!found[0]?.n) await connection.execute(`CREATE SCHEMA "${schema}"`);
    const migrator = orm.getMigrator();
    const applied = await migrator.up();
    const pending = (await migrator.getPendingMigrations()).length;
    return { applied: applied.map((m) => m.name), pending };
  } finally {
    await orm.close(true);
  }
}
