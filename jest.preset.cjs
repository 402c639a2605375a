// One Jest set-up for every package. Nest 12 is ESM-only, so tests run as ESM
// (node --experimental-vm-modules) through ts-jest in transpile-only mode: type checking
// is the build's job (tsc), which keeps the test run fast.
const path = require('node:path');

/** @param {string} dir the package folder */
module.exports = function jestConfig(dir, overrides = {}) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    moduleNameMapper: {
      // the kit is consumed from source in tests, so no build is needed before `npm test`
      '^@cowork/service-kit$': path.join(__dirname, 'libs/service-kit/src/index.ts'),
      '^@cowork/service-kit/testing$': path.join(__dirname, 'libs/service-kit/src/testing/index.ts'),
      '^@cowork/booking-events$': path.join(__dirname, 'libs/booking-events/src/index.ts'),
      '^@cowork/workspace-rules$': path.join(__dirname, 'libs/workspace-rules/src/index.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: path.join(dir, 'tsconfig.json'), diagnostics: false }],
    },
    testTimeout: 30000,
    ...overrides,
  };
};
