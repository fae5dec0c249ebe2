export default {
  displayName: 'analytics-feature',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/analytics/feature',
};
