export default {
  displayName: 'tests-ingestion',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 120000,
  // One suite kills and restarts the ingestion service: suites run one at a time.
  maxWorkers: 1,
};
