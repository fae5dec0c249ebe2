export default {
  displayName: 'ontology',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/ontology',
  passWithNoTests: true,
};
