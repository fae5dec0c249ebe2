export default {
  displayName: 'tests-ingestion',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.integration-spec.ts'],
  testTimeout: 120000,
  // Suites share the running services and one tenant: one at a time. The suite that kills the
  // service is restart.disruptive-spec.ts, run alone after every other suite (`disruptive` target).
  maxWorkers: 1,
};
