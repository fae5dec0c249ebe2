// Shared jest settings for every project: TypeScript through ts-jest (transpile only — `tsc`
// and lint type-check), path aliases from tsconfig.base.json, Node environment.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  testEnvironment: 'node',
  reporters: ['default', `${__dirname}/tools/jest/summary-reporter.js`],
  testMatch: ['**/?(*.)+(spec|integration-spec).ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${__dirname}/` }),
};
