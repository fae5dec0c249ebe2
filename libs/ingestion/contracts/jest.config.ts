export default {
  displayName: 'ingestion-contracts',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ingestion/contracts',
};
