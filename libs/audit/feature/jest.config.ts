export default {
  displayName: 'audit-feature',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/audit/feature',
};
