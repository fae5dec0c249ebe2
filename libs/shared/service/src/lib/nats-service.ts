import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import type { Constructor, EntityClass } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { z } from 'zod';
import { baseConfigSchema, configOrExit, DatabaseConfig, redactConfig } from '@vigie/shared-config';
import { RequestContract } from '@vigie/shared-contracts';
import {
  connectNats,
  DurableConsumerDeclaration,
  MessagingModule,
  setupConsumer,
  setupStreams,
  VigieNatsServer,
} from '@vigie/shared-messaging';
import { mikroOrmOptions, OrmRequestContextInterceptor, runMigrations } from '@vigie/shared-persistence';
import { createLogger, Logger, ServiceMetrics, stopTelemetry } from '@vigie/shared-telemetry';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { runShutdown } from './graceful-shutdown';
import { HEALTH_INDICATORS, HealthHttpController, HealthIndicator, healthRpcController, HealthService, SERVICE_IDENTITY } from './health';
import { MetricsInterceptor } from './metrics.interceptor';
import { JETSTREAM_STORAGE_LIMIT, NatsHealthIndicator } from './nats-health.indicator';
import { PinoNestLogger } from './pino-nest.logger';

type BaseConfig = z.infer<typeof baseConfigSchema>;

export interface NatsServiceDefinition<C extends BaseConfig> {
  service: 'identity' | 'ingestion' | 'ontology' | 'analytics' | 'audit';
  version: string;
  configSchema: z.ZodType<C> & { shape: z.ZodRawShape };
  healthContract: RequestContract;
  /** The service's feature modules, built from its validated configuration. */
  imports(config: C): NonNullable<ModuleMetadata['imports']>;
  /** The service's own tables (services with a database). */
  persistence?: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- MikroORM's own entity typing
    entities: EntityClass<any>[];
    migrations: Constructor<Migration>[];
  };
  /** Durable consumers the service owns, declared by `setup-streams`. */
  consumers?: DurableConsumerDeclaration[];
  /** More readiness checks, provided by the service's modules. */
  healthIndicators?: Type<HealthIndicator>[];
  /** More commands, run instead of serving (`node main.js <command>`). */
  commands?: Record<string, (config: C, logger: Logger) => Promise<void>>;
}

function rootModule<C extends BaseConfig>(def: NatsServiceDefinition<C>, config: C, metrics: ServiceMetrics): DynamicModule {
  const indicatorTypes: Type<HealthIndicator>[] = [NatsHealthIndicator, ...(def.persistence ? [DatabaseHealthIndicator] : []), ...(def.healthIndicators ?? [])];
  const providers: Provider[] = [
    { provide: ServiceMetrics, useValue: metrics },
    { provide: SERVICE_IDENTITY, useValue: { service: def.service, version: def.version, startedAt: Date.now() } },
    { provide: JETSTREAM_STORAGE_LIMIT, useValue: config.NATS_JETSTREAM_MAX_STORAGE ?? null },
    ...indicatorTypes,
    { provide: HEALTH_INDICATORS, inject: indicatorTypes, useFactory: (...indicators: HealthIndicator[]) => indicators },
    HealthService,
    { provide: APP_INTERCEPTOR, useClass: MetricsInterceptor },
  ];
  const imports: NonNullable<ModuleMetadata['imports']> = [MessagingModule.forRoot({ service: def.service, config })];
  if (def.persistence) {
    const db = config as unknown as C & DatabaseConfig;
    const persistence = def.persistence;
    imports.push(
      MikroOrmModule.forRootAsync({
        useFactory: () => ({ ...mikroOrmOptions({ service: def.service, config: db, ...persistence }), registerRequestContext: false }),
      }),
    );
    providers.push({ provide: APP_INTERCEPTOR, useClass: OrmRequestContextInterceptor });
  }
  @Module({})
  class ServiceRootModule {}
  return {
    module: ServiceRootModule,
    imports: [...imports, ...def.imports(config)],
    controllers: [HealthHttpController, healthRpcController(def.healthContract)],
    providers,
  };
}

/**
 * Runs one NATS microservice: `node main.js` serves (NATS transport in the service's queue group,
 * internal HTTP for /health and /metrics); `node main.js migrate` runs its migrations;
 * `node main.js setup-streams` declares the JetStream streams and the consumers it owns.
 */
export async function runNatsService<C extends BaseConfig>(def: NatsServiceDefinition<C>): Promise<void> {
  const config = configOrExit(def.service, def.configSchema);
  const logger = createLogger(def.service, config.LOG_LEVEL);
  const command = process.argv[2] ?? 'serve';
  const commands: Record<string, (config: C, logger: Logger) => Promise<void>> = {
    'setup-streams': async () => {
      const nc = await connectNats(config, `vigie-${def.service}-setup`);
      try {
        const jsm = await nc.jetstreamManager();
        const streams = await setupStreams(jsm, { replicas: config.STREAM_REPLICAS });
        const consumers = [];
        for (const decl of def.consumers ?? []) consumers.push({ durable: decl.durable, action: await setupConsumer(jsm, decl) });
        logger.info({ streams, consumers }, 'streams and consumers declared');
      } finally {
        await nc.drain();
      }
    },
    ...(def.persistence
      ? {
          migrate: async () => {
            const db = config as unknown as C & DatabaseConfig;
            const result = await runMigrations({ service: def.service, config: db, ...def.persistence! });
            logger.info(result, result.applied.length ? 'migrations applied' : 'database schema already up to date');
          },
        }
      : {}),
    ...(def.commands ?? {}),
  };
  if (command !== 'serve') {
    const run = commands[command];
    if (!run) {
      logger.fatal(`Unknown command "${command}". Commands: serve, ${Object.keys(commands).join(', ')}`);
      process.exit(64);
    }
    try {
      await run(config, logger);
      await stopTelemetry();
      return;
    } catch (error) {
      logger.fatal({ err: (error as Error).message }, `${command} failed`);
      process.exit(1);
    }
  }

  logger.info({ config: redactConfig(def.configSchema as unknown as z.ZodObject<z.ZodRawShape>, config as Record<string, unknown>) }, `starting vigie-${def.service} ${def.version}`);
  const metrics = new ServiceMetrics(def.service);
  const app = await NestFactory.create(rootModule(def, config, metrics), { logger: new PinoNestLogger(logger), abortOnError: false });
  app.connectMicroservice({ strategy: new VigieNatsServer(config, def.service) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.HEALTH_PORT, '0.0.0.0');
  logger.info({ healthPort: config.HEALTH_PORT }, `vigie-${def.service} ready`);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'draining');
    const timer = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 5000).unref();
    // Each step bounded: a telemetry exporter retrying an unreachable collector must not hold the
    // process until the supervisor's SIGKILL.
    const report = await runShutdown(
      [
        { name: 'application (NATS transport and consumers, HTTP, database)', timeoutMs: config.SHUTDOWN_GRACE_MS + 2000, run: () => app.close() },
        { name: 'telemetry flush', timeoutMs: 2000, run: () => stopTelemetry() },
      ],
      logger,
    );
    clearTimeout(timer);
    process.exit(report.steps[0].outcome === 'done' ? 0 : 1);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
