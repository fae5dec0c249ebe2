import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { DependencyHealth } from '@vigie/shared-contracts';
import { NATS_CONNECTION } from '@vigie/shared-messaging';
import { HealthIndicator } from './health';

/** NATS reachability (round trip) and JetStream availability, with the server's version. */
@Injectable()
export class NatsHealthIndicator implements HealthIndicator {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async check(): Promise<DependencyHealth> {
    const started = performance.now();
    try {
      await this.nc.flush();
      const jsm = await this.nc.jetstreamManager({ timeout: 2000 });
      const info = await jsm.getAccountInfo();
      return {
        name: 'nats-jetstream',
        status: 'up',
        version: this.nc.info?.version,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        ...(info.streams >= 0 ? {} : {}),
      };
    } catch (error) {
      return { name: 'nats-jetstream', status: 'down', error: (error as Error).message, latencyMs: Math.round(performance.now() - started) };
    }
  }
}
