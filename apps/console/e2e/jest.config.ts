export default {
  displayName: 'console-e2e',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 120000,
  maxWorkers: 1,
};
