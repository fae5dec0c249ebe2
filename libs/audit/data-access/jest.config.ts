export default {
  displayName: 'audit-data-access',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/audit/data-access',
};
