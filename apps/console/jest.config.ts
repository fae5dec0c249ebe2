export default {
  displayName: 'console',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/console',
  passWithNoTests: false,
};
