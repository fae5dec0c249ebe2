export * from './lib/tools';
export * from './lib/render';
export * from './lib/policies';
export * from './lib/kubernetes-schema.validator';
export * from './lib/values-schema';
export * from './lib/dockerfile-lint';
export * from './lib/licence-policy';
export * from './lib/nats-values';
