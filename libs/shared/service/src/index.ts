export * from './lib/database-health.indicator';
export * from './lib/graceful-shutdown';
export * from './lib/health';
export * from './lib/metrics.interceptor';
export * from './lib/nats-health.indicator';
export * from './lib/nats-service';
export * from './lib/pino-nest.logger';
