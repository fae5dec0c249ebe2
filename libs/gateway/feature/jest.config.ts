export default {
  displayName: 'gateway-feature',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/gateway/feature',
};
