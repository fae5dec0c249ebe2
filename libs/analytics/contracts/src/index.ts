export * from './lib/subjects';
export * from './lib/analytics.exception';
export * from './lib/common.schema';
export * from './lib/search.contract';
export * from './lib/graph.contract';
export * from './lib/timeline-geo.contract';
