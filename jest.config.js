// Unit and integration suites of every package, run together by scripts/run-tests.sh: every
// library and every service (a new service is picked up without editing this list).
// The cross-service e2e suites (real processes) run separately, one at a time: e2e/jest.config.js.
export default {
  projects: ['<rootDir>/libs/*', '<rootDir>/*-service'],
};
