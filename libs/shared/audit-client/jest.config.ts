export default {
  displayName: 'shared-audit-client',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/audit-client',
};
