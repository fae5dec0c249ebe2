export default {
  displayName: 'ontology-domain',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ontology/domain',
};
