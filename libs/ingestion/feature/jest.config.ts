export default {
  displayName: 'ingestion-feature',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ingestion/feature',
  testMatch: ['**/*.spec.ts'],
};
