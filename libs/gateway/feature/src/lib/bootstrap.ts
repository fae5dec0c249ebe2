import { INestApplication, Module } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import { configOrExit, redactConfig, VIGIE_VERSION } from '@vigie/shared-config';
import { MetricsInterceptor, PinoNestLogger, runShutdown } from '@vigie/shared-service';
import { createLogger, ServiceMetrics, stopTelemetry } from '@vigie/shared-telemetry';
import { GatewayConfig, gatewayConfigSchema } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { installClientErrorHandler } from './client-error.handler';
import { startInternalHttp } from './internal-http';

export const API_PREFIX = 'api/v1';

/** Builds the gateway's Nest application (also used by tests). */
export async function createGatewayApp(config: GatewayConfig, metrics = new ServiceMetrics('gateway')): Promise<INestApplication> {
  const logger = createLogger('gateway', config.LOG_LEVEL);
  @Module({
    imports: [GatewayModule.register(config)],
    providers: [{ provide: ServiceMetrics, useValue: metrics }, { provide: APP_INTERCEPTOR, useClass: MetricsInterceptor }],
  })
  class GatewayRootModule {}
  const app = await NestFactory.create(GatewayRootModule, { logger: new PinoNestLogger(logger), bodyParser: false, abortOnError: false });
  app.use(json({ limit: config.BODY_LIMIT }));
  // A request Node's parser refuses (headers over 16 KiB, malformed) answers JSON like any other error.
  installClientErrorHandler(app.getHttpServer());
  app.setGlobalPrefix(API_PREFIX);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Vigie API')
      .setDescription('The HTTP API of Vigie. Every call needs a Keycloak access token; reads of protected data need a stated purpose.')
      .setVersion(VIGIE_VERSION)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}

export async function runGateway(): Promise<void> {
  const config = configOrExit('gateway', gatewayConfigSchema);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  logger.info({ config: redactConfig(gatewayConfigSchema, config) }, `starting vigie-gateway ${VIGIE_VERSION}`);
  const metrics = new ServiceMetrics('gateway');
  const app = await createGatewayApp(config, metrics);
  let accepting = false;
  const internal = await startInternalHttp(config.HEALTH_PORT, metrics, () => accepting);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  accepting = true;
  logger.info({ httpPort: config.HTTP_PORT, healthPort: config.HEALTH_PORT }, 'vigie-gateway ready');
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'draining');
    accepting = false;
    const timer = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 5000).unref();
    // Each step bounded, as in the NATS services: a telemetry exporter retrying an unreachable
    // collector must not hold the process until the supervisor's SIGKILL.
    const report = await runShutdown(
      [
        { name: 'application (HTTP requests in flight, NATS clients)', timeoutMs: config.SHUTDOWN_GRACE_MS + 2000, run: () => app.close() },
        { name: 'internal HTTP (health, metrics)', timeoutMs: 1000, run: () => new Promise<void>((resolve) => internal.close(() => resolve())) },
        { name: 'telemetry flush', timeoutMs: 2000, run: () => stopTelemetry() },
      ],
      logger,
    );
    clearTimeout(timer);
    process.exit(report.steps[0]?.outcome === 'done' ? 0 : 1);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
