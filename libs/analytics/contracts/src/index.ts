export * from './lib/subjects';
