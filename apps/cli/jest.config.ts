export default {
  displayName: 'cli',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/cli',
  passWithNoTests: false,
};
