export default {
  displayName: 'analytics-data-access',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/analytics/data-access',
};
