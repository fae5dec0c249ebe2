export default {
  displayName: 'platform-scripts',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/tools/platform-scripts',
  testTimeout: 60_000,
};
