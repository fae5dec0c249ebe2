export default {
  displayName: 'identity-contracts',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/identity/contracts',
};
