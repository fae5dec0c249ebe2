import { launcher } from '@vigie/shared-testing';
import { AnalyticsDb, PREPARED_TEXTS } from './analytics-db';

const url = process.env['VIGIE_DB_URL_ANALYTICS'] ?? launcher.loadStackEnv()['VIGIE_DB_URL_ANALYTICS'];

describe('AnalyticsDb', () => {
  let db: AnalyticsDb;
  beforeAll(() => {
    if (!url) throw new Error('VIGIE_DB_URL_ANALYTICS is not set and .vigie/stack.env has none: start the stack');
    db = new AnalyticsDb({ url, schema: 'analytics', max: 1, applicationName: 'analytics-db-it' });
  });
  afterAll(() => db.close());

  it('prepares each statement text once per connection, up to a bound, and runs the rest unnamed', async () => {
    const prepared = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'vq\\_%'`)).rows[0].n;
    expect((await db.query<{ x: number }>('SELECT $1::int AS x', [1])).rows).toEqual([{ x: 1 }]);
    expect((await db.query<{ x: number }>('SELECT $1::int AS x', [2])).rows).toEqual([{ x: 2 }]);
    const before = await prepared();
    expect(before).toBeGreaterThanOrEqual(2); // the SELECT and the count itself
    for (let i = 0; i < PREPARED_TEXTS + 5; i++) expect((await db.query<{ x: number }>(`SELECT $1::int + ${i} AS x`, [1])).rows[0].x).toBe(1 + i);
    expect(await prepared()).toBe(PREPARED_TEXTS);
    expect((await db.query<{ x: number }>('SELECT $1::int AS x', [3])).rows).toEqual([{ x: 3 }]);
  });

  it('survives its idle connection being killed by the server (as in a PostgreSQL restart) and reconnects', async () => {
    const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const killer = new AnalyticsDb({ url: url!, schema: 'analytics', max: 1, applicationName: 'analytics-db-it-killer' });
    try {
      expect((await killer.query<{ ok: boolean }>('SELECT pg_terminate_backend($1::int) AS ok', [pid])).rows).toEqual([{ ok: true }]);
    } finally {
      await killer.close();
    }
    // The pool heard the broken idle client (no listener would end the process here) …
    await new Promise((resolve) => setTimeout(resolve, 200));
    // … and the next statement runs on a new connection.
    const again = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    expect(again).not.toBe(pid);
  });
});
