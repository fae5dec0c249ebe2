export default {
  displayName: 'tests-audit',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
