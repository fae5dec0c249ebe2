export default {
  displayName: 'ingestion-data-access',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ingestion/data-access',
};
