import { Controller, Get, HttpCode, Inject, Injectable, Res, Type } from '@nestjs/common';
import type { Response } from 'express';
import { DependencyHealth, RequestContract, ServiceHealth } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { currentTraceId, ServiceMetrics } from '@vigie/shared-telemetry';

/** One dependency a service checks for readiness (PostgreSQL, NATS, Keycloak…). */
export interface HealthIndicator {
  check(): Promise<DependencyHealth>;
}

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');
export const SERVICE_IDENTITY = Symbol('SERVICE_IDENTITY');

export interface ServiceIdentity {
  service: string;
  version: string;
  startedAt: number;
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
    @Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[],
  ) {}

  async report(): Promise<ServiceHealth> {
    const dependencies = await Promise.all(this.indicators.map((i) => i.check()));
    const worst = dependencies.some((d) => d.status === 'down') ? 'down' : dependencies.some((d) => d.status === 'degraded') ? 'degraded' : 'up';
    return {
      service: this.identity.service,
      version: this.identity.version,
      status: worst,
      uptimeSeconds: Math.round((Date.now() - this.identity.startedAt) / 1000),
      traceId: currentTraceId(),
      dependencies,
    };
  }
}

/** Internal HTTP endpoints (not exposed outside the cluster): liveness, readiness, metrics. */
@Controller()
export class HealthHttpController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: ServiceMetrics,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get(['health', 'health/ready'])
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    // Degraded is still ready: the service serves, an operator has something to do.
    res.status(report.status === 'down' ? 503 : 200).json(report);
  }

  @Get('metrics')
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}

/** The NATS side of health: answers `<service>.v1.health.check` for the gateway's aggregate. */
export function healthRpcController(contract: RequestContract): Type<unknown> {
  @Controller()
  class HealthRpcController {
    constructor(private readonly health: HealthService) {}

    @HandleRequest(contract)
    check(): Promise<ServiceHealth> {
      return this.health.report();
    }
  }
  return HealthRpcController;
}
