import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { NatsConnection } from 'nats';
import { analyticsHealthCheck } from '@vigie/analytics-contracts';
import { auditHealthCheck } from '@vigie/audit-contracts';
import { identityHealthCheck } from '@vigie/identity-contracts';
import { ingestionHealthCheck } from '@vigie/ingestion-contracts';
import { ontologyHealthCheck } from '@vigie/ontology-contracts';
import { VIGIE_VERSION } from '@vigie/shared-config';
import { DependencyHealth, ErrorKind, PlatformErrorCode, PlatformException, RequestContract, ServiceHealth, VigieException } from '@vigie/shared-contracts';
import { NATS_CONNECTION, ServiceClient } from '@vigie/shared-messaging';
import { checkJetStream } from '@vigie/shared-service';
import { currentTraceId } from '@vigie/shared-telemetry';
import { GATEWAY_CONFIG, GatewayConfig } from './gateway.config';

const SERVICE_HEALTH: Record<string, RequestContract> = {
  identity: identityHealthCheck,
  ingestion: ingestionHealthCheck,
  ontology: ontologyHealthCheck,
  analytics: analyticsHealthCheck,
  audit: auditHealthCheck,
};

export interface ServiceHealthEntry {
  status: ServiceHealth['status'];
  version?: string;
  latencyMs: number;
  error?: { code: string; message: string };
  dependencies?: DependencyHealth[];
}

export interface PlatformHealth {
  status: 'up' | 'degraded' | 'down';
  version: string;
  traceId?: string;
  services: Record<string, ServiceHealthEntry>;
  dependencies: DependencyHealth[];
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly client: ServiceClient,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Health of the platform: every service over NATS, PostgreSQL, NATS JetStream and Keycloak, with versions' })
  @ApiOkResponse({ description: 'Everything is up' })
  @ApiServiceUnavailableResponse({ description: 'A service or a dependency is down or degraded (JetStream’s store nearly full); the body says which' })
  async platform(@Res() res: Response): Promise<void> {
    const entries = await Promise.all(Object.keys(SERVICE_HEALTH).map(async (name) => [name, await this.checkService(name)] as const));
    const services = Object.fromEntries(entries);
    const reported = entries.flatMap(([, e]) => e.dependencies ?? []);
    const dependencies: DependencyHealth[] = [
      await this.checkNats(),
      pick(reported, 'postgresql') ?? { name: 'postgresql', status: 'down', error: 'no service reported PostgreSQL' },
      pick(reported, 'keycloak') ?? (await this.checkKeycloak()),
    ];
    const servicesDown = entries.filter(([, e]) => e.status === 'down').length;
    const depsDown = dependencies.filter((d) => d.status === 'down').length;
    const degraded = entries.some(([, e]) => e.status === 'degraded') || dependencies.some((d) => d.status === 'degraded');
    const status: PlatformHealth['status'] = servicesDown === entries.length ? 'down' : servicesDown > 0 || depsDown > 0 || degraded ? 'degraded' : 'up';
    const body: PlatformHealth = { status, version: VIGIE_VERSION, traceId: currentTraceId(), services, dependencies };
    res.status(status === 'up' ? 200 : 503).json(body);
  }

  @Get('services/:service')
  @ApiOperation({ summary: 'Health of one service, asked over NATS' })
  @ApiParam({ name: 'service', enum: Object.keys(SERVICE_HEALTH) })
  async service(@Param('service') service: string): Promise<ServiceHealth> {
    const contract = SERVICE_HEALTH[service];
    if (!contract) {
      throw new PlatformException(PlatformErrorCode.NotFound, ErrorKind.NotFound, `Unknown service "${service}"; known: ${Object.keys(SERVICE_HEALTH).join(', ')}`);
    }
    return (await this.client.request(contract, {}, { timeoutMs: this.config.HEALTH_TIMEOUT_MS })) as ServiceHealth;
  }

  private async checkService(name: string): Promise<ServiceHealthEntry> {
    const started = performance.now();
    try {
      const report = (await this.client.request(SERVICE_HEALTH[name], {}, { timeoutMs: this.config.HEALTH_TIMEOUT_MS })) as ServiceHealth;
      return { status: report.status, version: report.version, latencyMs: ms(started), dependencies: report.dependencies };
    } catch (error) {
      const e = error instanceof VigieException ? { code: error.code, message: error.message } : { code: PlatformErrorCode.Internal, message: String(error) };
      return { status: 'down', latencyMs: ms(started), error: e };
    }
  }

  private checkNats(): Promise<DependencyHealth> {
    return checkJetStream(this.nc, { timeoutMs: this.config.HEALTH_TIMEOUT_MS, maxStorageBytes: this.config.NATS_JETSTREAM_MAX_STORAGE });
  }

  private async checkKeycloak(): Promise<DependencyHealth> {
    const started = performance.now();
    try {
      const res = await fetch(`${this.config.KEYCLOAK_URL}/realms/master`, { signal: AbortSignal.timeout(this.config.HEALTH_TIMEOUT_MS) });
      return { name: 'keycloak', status: res.ok ? 'up' : 'down', latencyMs: ms(started), ...(res.ok ? {} : { error: `HTTP ${res.status}` }) };
    } catch (error) {
      return { name: 'keycloak', status: 'down', latencyMs: ms(started), error: (error as Error).message };
    }
  }
}

const ms = (started: number) => Math.round((performance.now() - started) * 100) / 100;
const pick = (deps: DependencyHealth[], name: string) => deps.find((d) => d.name === name && d.status === 'up') ?? deps.find((d) => d.name === name);
