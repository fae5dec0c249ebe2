export default {
  displayName: 'tests-analytics',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 90000,
  maxWorkers: 1,
};
