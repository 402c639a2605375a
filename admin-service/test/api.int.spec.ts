import { auditCollectorSuite } from './suites/audit-collector.js';
import { auditLogSuite } from './suites/audit-log.js';
import { authorizationSuite } from './suites/authorization.js';
import { contractsSuite } from './suites/contracts.js';
import { dashboardSuite } from './suites/dashboard.js';
import { settingsSuite } from './suites/settings.js';
import { userActionsSuite } from './suites/user-actions.js';
import { userListSuite } from './suites/user-list.js';
import { AdminServiceHarness } from './support/harness.js';

/**
 * The HTTP API against a real database (PostgreSQL, or PGlite with TEST_DB=pglite) and stub
 * downstreams over real HTTP: one app for all these suites, because bringing a service up on a
 * fresh database is most of the run time. Suites keep out of each other's way with fresh users,
 * actors and tags; the log is append-only, so nothing is deleted: the database is dropped at the end.
 */
describe('admin-service API (integration)', () => {
  const h = new AdminServiceHarness();
  beforeAll(() => h.start());
  afterAll(() => h.close());

  userActionsSuite(h);
  userListSuite(h);
  settingsSuite(h);
  dashboardSuite(h);
  auditCollectorSuite(h);
  auditLogSuite(h);
  authorizationSuite(h);
  contractsSuite(h);
});
