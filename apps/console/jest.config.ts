export default {
  displayName: 'console',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/console',
  passWithNoTests: false,
  // The browser tests under e2e/ are their own project (console-e2e), run against the stack.
  roots: ['<rootDir>/src'],
};
