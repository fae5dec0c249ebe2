export default {
  displayName: 'ontology-feature',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ontology/feature',
  // Integration specs share the real PostgreSQL and NATS of the local stack: one worker, bounded waits.
  maxWorkers: 1,
  testTimeout: 60000,
};
