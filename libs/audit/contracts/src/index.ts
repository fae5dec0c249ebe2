export * from './lib/subjects';
export * from './lib/audit.exception';
export * from './lib/audit-event.schema';
export * from './lib/audit-event.contract';
export * from './lib/audit-chain.schema';
export * from './lib/audit-api.contract';
