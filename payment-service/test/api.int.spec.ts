import { authorizationSuite } from './suites/authorization.js';
import { badInputSuite } from './suites/bad-input.js';
import { chargeRecordingSuite } from './suites/charge-recording.js';
import { chargesSuite } from './suites/charges.js';
import { contractsSuite } from './suites/contracts.js';
import { idempotencySuite } from './suites/idempotency.js';
import { recoverySuite } from './suites/recovery.js';
import { refundsSuite } from './suites/refunds.js';
import { PaymentServiceHarness } from './support/harness.js';

/**
 * The HTTP API against a real database (PostgreSQL, or PGlite with TEST_DB=pglite): one app
 * for all these suites, because bringing a service up on a fresh database is most of the run
 * time. Suites keep out of each other's way with random booking ids, users and keys.
 */
describe('payment-service API (integration)', () => {
  const h = new PaymentServiceHarness();
  beforeAll(() => h.start());
  afterAll(() => h.close());

  chargesSuite(h);
  chargeRecordingSuite(h);
  refundsSuite(h);
  idempotencySuite(h);
  recoverySuite(h);
  authorizationSuite(h);
  badInputSuite(h);
  contractsSuite(h);
});
