// Unit and integration suites of every package, run together by scripts/run-tests.sh.
// The cross-service e2e suites (real processes) run separately, one at a time: e2e/jest.config.js.
export default {
  projects: [
    '<rootDir>/libs/service-kit',
    '<rootDir>/libs/workspace-rules',
    '<rootDir>/auth-service',
    '<rootDir>/user-service',
    '<rootDir>/workspace-service',
    '<rootDir>/booking-service',
  ],
};
