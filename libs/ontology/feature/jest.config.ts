export default {
  displayName: 'ontology-feature',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ontology/feature',
};
