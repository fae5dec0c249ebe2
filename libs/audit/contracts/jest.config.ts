export default {
  displayName: 'audit-contracts',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/audit/contracts',
};
