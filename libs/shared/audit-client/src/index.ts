export * from './lib/audit-actor.util';
export * from './lib/audit-recorder';
export * from './lib/audit.module';
export * from './lib/audit-export-stream.contract';
