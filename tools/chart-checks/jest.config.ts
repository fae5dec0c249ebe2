export default {
  displayName: 'chart-checks',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/tools/chart-checks',
  // helm, kubectl and the Kubernetes JSON schemas are fetched once into tmp/chart-tools by the
  // first test that needs them (see src/lib/tools.ts); the first run on a fresh machine takes longer.
  testTimeout: 120_000,
};
