export default {
  displayName: 'ontology-contracts',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/ontology/contracts',
};
