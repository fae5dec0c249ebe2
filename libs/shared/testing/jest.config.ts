export default {
  displayName: 'shared-testing',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/testing',
};
