export default {
  displayName: 'ontology-data-access',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ontology/data-access',
};
