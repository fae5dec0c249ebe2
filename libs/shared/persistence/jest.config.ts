export default {
  displayName: 'shared-persistence',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/persistence',
};
