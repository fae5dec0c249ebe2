export default {
  displayName: 'shared-policy',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/policy',
};
