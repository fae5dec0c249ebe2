export * from './lib/analytics-feature.config';
export * from './lib/analytics-feature.module';
export * from './lib/analytics-query.controller';
export * from './lib/ontology-projector.service';
export * from './lib/projection-lag.monitor';
export * from './lib/tokens';
