export default {
  displayName: 'shared-telemetry',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/telemetry',
};
