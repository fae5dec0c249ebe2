export default {
  displayName: 'ingestion',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/ingestion',
  passWithNoTests: true,
};
