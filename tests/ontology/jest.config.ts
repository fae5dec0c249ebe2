export default {
  displayName: 'tests-ontology',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 240000,
  maxWorkers: 1,
};
