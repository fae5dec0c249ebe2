export default {
  displayName: 'tests-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 180000,
  maxWorkers: 1,
};
