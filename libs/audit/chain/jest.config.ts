export default {
  displayName: 'audit-chain',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/audit/chain',
};
