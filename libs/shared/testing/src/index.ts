export * from './lib/services';
