import { auditSuite } from './suites/audit.js';
import { authorizationSuite } from './suites/authorization.js';
import { badInputSuite } from './suites/bad-input.js';
import { contractsSuite } from './suites/contracts.js';
import { eventBatchSuite } from './suites/event-batch.js';
import { eventsSuite } from './suites/events.js';
import { liveReportsSuite } from './suites/live-reports.js';
import { moneySuite } from './suites/money.js';
import { storedReportsSuite } from './suites/stored-reports.js';
import { ReportingServiceHarness } from './support/harness.js';

/**
 * The HTTP API against a real database (PostgreSQL, or PGlite with TEST_DB=pglite): one app for
 * all these suites, because bringing a service up on a fresh database is most of the run time.
 * Suites keep out of each other's way with their own workspaces and time windows.
 */
describe('reporting-service API (integration)', () => {
  const h = new ReportingServiceHarness();
  beforeAll(() => h.start());
  afterAll(() => h.close());

  eventsSuite(h);
  eventBatchSuite(h);
  moneySuite(h);
  liveReportsSuite(h);
  storedReportsSuite(h);
  authorizationSuite(h);
  badInputSuite(h);
  contractsSuite(h);
  auditSuite(h);
});
