export * from './lib/can';
export * from './lib/markings';
export * from './lib/sql-filter';
