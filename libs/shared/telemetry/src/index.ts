export * from './lib/file-span.exporter';
export * from './lib/logger';
export * from './lib/metrics';
export * from './lib/telemetry';
