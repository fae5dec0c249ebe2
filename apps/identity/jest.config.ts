export default {
  displayName: 'identity',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/identity',
  passWithNoTests: false,
};
