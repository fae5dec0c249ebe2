export default {
  displayName: 'tests-platform',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
