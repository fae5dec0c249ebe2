import { Injectable } from '@nestjs/common';
import { AuditStore } from '@vigie/audit-data-access';
import { DependencyHealth } from '@vigie/shared-contracts';
import { HealthIndicator } from '@vigie/shared-service';

/** The writer role's connection to PostgreSQL (the service has no other). */
@Injectable()
export class AuditStoreHealthIndicator implements HealthIndicator {
  constructor(private readonly store: AuditStore) {}

  async check(): Promise<DependencyHealth> {
    const started = performance.now();
    try {
      const version = await this.store.ping();
      return { name: 'postgresql', status: 'up', version, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch (error) {
      return { name: 'postgresql', status: 'down', latencyMs: Math.round((performance.now() - started) * 100) / 100, error: (error as Error).message };
    }
  }
}
