export default {
  displayName: 'console',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/console',
  passWithNoTests: false,
  // The browser tests under e2e/ are their own project (console-e2e), run against the stack.
  roots: ['<rootDir>/src'],
  // Logic specs (*.spec.ts) run in Node; component specs (*.spec.tsx) declare `@jest-environment jsdom`.
  testMatch: ['**/*.spec.ts', '**/*.spec.tsx'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
};
