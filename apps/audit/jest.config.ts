export default {
  displayName: 'audit',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/audit',
  passWithNoTests: false,
};
