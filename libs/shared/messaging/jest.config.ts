export default {
  displayName: 'shared-messaging',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/messaging',
};
