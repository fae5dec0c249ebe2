export default {
  displayName: 'identity-feature',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/identity/feature',
};
