import { EntityManager } from '@mikro-orm/postgresql';

/** PostgreSQL reachability and version, for health endpoints. */
export async function checkDatabase(em: EntityManager): Promise<{ name: string; status: 'up' | 'down'; version?: string; latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    const rows = await em.getConnection().execute<{ version: string }[]>(`SELECT current_setting('server_version') AS version`);
    return { name: 'postgresql', status: 'up', version: rows[0]?.version, latencyMs: round(performance.now() - started) };
  } catch (error) {
    return { name: 'postgresql', status: 'down', latencyMs: round(performance.now() - started), error: (error as Error).message };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
