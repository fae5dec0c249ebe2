export default {
  displayName: 'ingestion-parsers',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ingestion/parsers',
};
