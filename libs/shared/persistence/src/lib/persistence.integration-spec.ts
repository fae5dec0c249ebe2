import { randomBytes } from 'node:crypto';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { checkDatabase } from './database-health';
import { runMigrations } from './migrate';
import { mikroOrmOptions } from './orm-options';

// Against the real PostgreSQL of the local stack, in a throw-away schema (admin role).
const adminUrl = process.env['VIGIE_PG_ADMIN_URL'];
if (!adminUrl) throw new Error('VIGIE_PG_ADMIN_URL is not set: source .vigie/stack.env (npm test does)');
const schema = `persistence_test_${randomBytes(4).toString('hex')}`;
const config = { DATABASE_URL: adminUrl, DATABASE_SCHEMA: schema, DATABASE_POOL_MAX: 2 };

@Entity({ tableName: 'note' })
class Note {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'text' })
  text!: string;
}

// Unqualified names on purpose: the pool's search_path puts them in the service schema.
class Migration20261128000000_notes extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table note (id integer primary key, text text not null)');
  }
}
class Migration20261128000001_seed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`insert into note (id, text) values (1, 'first')`);
  }
}

const options = { service: 'test', config, entities: [Note], migrations: [Migration20261128000000_notes, Migration20261128000001_seed] };

describe('persistence on a real PostgreSQL', () => {
  afterAll(async () => {
    const orm = await MikroORM.init(mikroOrmOptions({ ...options, migrations: [] }));
    await orm.em.getConnection().execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await orm.close(true);
  });

  it('applies migrations in order into the service schema, once', async () => {
    expect(await runMigrations(options)).toEqual({ applied: ['Migration20261128000000_notes', 'Migration20261128000001_seed'], pending: 0 });
    expect(await runMigrations(options)).toEqual({ applied: [], pending: 0 });
  });

  it('reads and writes entities in the schema, and reports the server version', async () => {
    const orm = await MikroORM.init(mikroOrmOptions(options));
    try {
      const em = orm.em.fork();
      em.create(Note, { id: 2, text: 'second' });
      await em.flush();
      const rows = await orm.em.fork().getConnection().execute<{ schemaname: string; n: number }[]>(
        `select schemaname, (select count(*)::int from note) as n from pg_tables where tablename = 'note' and schemaname = ?`,
        [schema],
      );
      expect(rows).toEqual([{ schemaname: schema, n: 2 }]);
      const health = await checkDatabase(orm.em.fork());
      expect(health).toMatchObject({ name: 'postgresql', status: 'up', version: expect.stringMatching(/^\d+\.\d+/) });
    } finally {
      await orm.close(true);
    }
  });

  it('reports a database it cannot reach as down, with the reason', async () => {
    const orm = await MikroORM.init({ ...mikroOrmOptions({ ...options, config: { ...config, DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/vigie' } }), connect: false });
    try {
      const health = await checkDatabase(orm.em.fork());
      expect(health.status).toBe('down');
      expect(health.error).toMatch(/ECONNREFUSED|connect/);
    } finally {
      await orm.close(true);
    }
  });
});
