import { runShutdown } from './graceful-shutdown';

describe('runShutdown', () => {
  it('runs every step in order, cuts the one that hangs at its timeout and still runs the ones after it', async () => {
    const ran: string[] = [];
    const warnings: string[] = [];
    const logger = { info: jest.fn(), warn: (_o: unknown, msg: string) => warnings.push(msg) };
    const report = await runShutdown(
      [
        { name: 'http', timeoutMs: 1000, run: () => ran.push('http') },
        { name: 'telemetry', timeoutMs: 100, run: () => new Promise(() => ran.push('telemetry')) },
        { name: 'throws', timeoutMs: 1000, run: () => Promise.reject(new Error('boom')) },
        { name: 'nats', timeoutMs: 1000, run: async () => ran.push('nats') },
      ],
      logger as never,
    );
    expect(ran).toEqual(['http', 'telemetry', 'nats']);
    expect(report.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['http', 'done'],
      ['telemetry', 'timed out'],
      ['throws', 'failed'],
      ['nats', 'done'],
    ]);
    expect(report.steps[1].ms).toBeGreaterThanOrEqual(95);
    expect(report.totalMs).toBeLessThan(900);
    expect(report.steps[2].error).toBe('boom');
    expect(warnings).toEqual(['shutdown step "telemetry" did not finish in 100 ms; going on', 'shutdown step "throws" failed; going on']);
    expect(logger.info).toHaveBeenCalledWith(report, `stopped in ${report.totalMs} ms`);
  });
});
