import { auditSuite } from './suites/audit.js';
import { authorizationSuite } from './suites/authorization.js';
import { badInputSuite } from './suites/bad-input.js';
import { contractsSuite } from './suites/contracts.js';
import { profilesSuite } from './suites/profiles.js';
import { UserServiceHarness } from './support/harness.js';

/**
 * The HTTP API against a real database: one app for all these suites, because bringing up a
 * service on a fresh (embedded) database is most of the run time. The suites keep out of each
 * other's way by making their own users with unique emails and names. The last-admin rule
 * needs a database whose admins it alone controls: test/last-admin.int.spec.ts.
 */
describe('user-service API (integration)', () => {
  const h = new UserServiceHarness();
  beforeAll(() => h.start());
  afterAll(() => h.close());

  profilesSuite(h);
  authorizationSuite(h);
  badInputSuite(h);
  contractsSuite(h);
  auditSuite(h);
});
