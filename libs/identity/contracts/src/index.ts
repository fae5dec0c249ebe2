export * from './lib/admin.contract';
export * from './lib/identity.exception';
export * from './lib/subjects';
