// Unit and integration suites of every package, run together by scripts/run-tests.sh: every
// library and every service (a new service is picked up without editing this list).
// The cross-service e2e suites (real processes) run separately, one at a time: e2e/jest.config.js.
export default {
  projects: ['<rootDir>/libs/*', '<rootDir>/*-service'],
  // a global option (ignored inside projects): starting an app on a fresh PGlite database takes
  // 5-10 s on this 2-core machine, so the 5 s default would fail set-up hooks there
  testTimeout: 60000,
};
