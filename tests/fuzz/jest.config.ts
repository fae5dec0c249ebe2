export default {
  displayName: 'tests-fuzz',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Parser fuzzing runs anywhere; the gateway suite needs the running platform (npm test / npm run up).
  testMatch: ['**/*.fuzz.spec.ts', '**/*.fuzz.integration-spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
