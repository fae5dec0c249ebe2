export default {
  displayName: 'analytics-contracts',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/analytics/contracts',
};
