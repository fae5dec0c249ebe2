export default {
  displayName: 'shared-auth',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/auth',
};
