export * from './lib/canonical-json.util';
export * from './lib/chain-hash.util';
export * from './lib/chain-keys.util';
export * from './lib/checkpoint.util';
export * from './lib/chain-appender.util';
export * from './lib/chain-verifier.util';
export * from './lib/chain-export.util';
export * from './lib/retention.util';
