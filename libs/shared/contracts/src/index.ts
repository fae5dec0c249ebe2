export * from './contract';
export * from './errors';
export * from './headers';
export * from './health';
