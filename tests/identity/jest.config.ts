export default {
  displayName: 'tests-identity',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 60000,
  // The suites change Keycloak state (keys, mappers, clearances) and restore it: one at a time.
  maxWorkers: 1,
  globalSetup: '<rootDir>/global-setup.cjs',
};
