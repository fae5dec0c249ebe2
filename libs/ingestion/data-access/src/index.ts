export * from './lib/ingestion-persistence';
export * from './lib/repositories/ingestion-database';
export * from './lib/repositories/job.repository';
export * from './lib/repositories/mapping.repository';
