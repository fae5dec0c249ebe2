import { HealthService } from './health';

describe('HealthService', () => {
  const identity = { service: 'ontology', version: '1.2.3', startedAt: Date.now() - 5000 };

  it('is up when every dependency is up', async () => {
    const report = await new HealthService(identity, [
      { check: async () => ({ name: 'postgresql', status: 'up' as const, version: '15.18' }) },
      { check: async () => ({ name: 'nats-jetstream', status: 'up' as const, version: '2.9.10' }) },
    ]).report();
    expect(report).toMatchObject({ service: 'ontology', version: '1.2.3', status: 'up' });
    expect(report.uptimeSeconds).toBeGreaterThanOrEqual(5);
    expect(report.dependencies.map((d) => d.name)).toEqual(['postgresql', 'nats-jetstream']);
  });

  it('is down and says which dependency failed', async () => {
    const report = await new HealthService(identity, [
      { check: async () => ({ name: 'postgresql', status: 'down' as const, error: 'ECONNREFUSED' }) },
      { check: async () => ({ name: 'nats-jetstream', status: 'up' as const }) },
    ]).report();
    expect(report.status).toBe('down');
    expect(report.dependencies[0]).toMatchObject({ name: 'postgresql', error: 'ECONNREFUSED' });
  });

  it('is degraded, not down, when a dependency is degraded and none is down', async () => {
    const nearlyFull = { name: 'nats-jetstream', status: 'degraded' as const, error: 'JetStream store 7.30 GiB of 8.00 GiB used (91 %)…' };
    const degraded = await new HealthService(identity, [{ check: async () => ({ name: 'postgresql', status: 'up' as const }) }, { check: async () => nearlyFull }]).report();
    expect(degraded.status).toBe('degraded');
    const down = await new HealthService(identity, [{ check: async () => ({ name: 'postgresql', status: 'down' as const }) }, { check: async () => nearlyFull }]).report();
    expect(down.status).toBe('down');
  });
});
