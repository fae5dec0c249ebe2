export * from './lib/database-health';
export * from './lib/migrate';
export * from './lib/orm-options';
export * from './lib/request-context.interceptor';
export * from './lib/time-ordered-id';
