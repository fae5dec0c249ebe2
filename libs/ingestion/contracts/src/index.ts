export * from './lib/subjects';
export * from './lib/ingestion.exception';
export * from './lib/job.schema';
export * from './lib/job.contract';
export * from './lib/mapping.contract';
export * from './lib/stix-extension.contract';
export * from './lib/upload-session.schema';
