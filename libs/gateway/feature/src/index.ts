export * from './lib/bootstrap';
export * from './lib/gateway.config';
export * from './lib/gateway.module';
export * from './lib/health.controller';
export * from './lib/http-exception.filter';
