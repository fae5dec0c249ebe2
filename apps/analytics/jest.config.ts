export default {
  displayName: 'analytics',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/analytics',
  passWithNoTests: true,
};
