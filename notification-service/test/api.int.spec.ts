import { authorizationSuite } from './suites/authorization.js';
import { badInputSuite } from './suites/bad-input.js';
import { consumerSuite } from './suites/consumer.js';
import { contractsSuite } from './suites/contracts.js';
import { emailSuite, MAX_ATTEMPTS } from './suites/email.js';
import { eventBatchSuite } from './suites/event-batch.js';
import { httpSuite } from './suites/http.js';
import { NotificationServiceHarness } from './support/harness.js';
import { TestSmtpServer } from './support/smtp-server.js';

/**
 * The HTTP API and email delivery against a real database (PostgreSQL, or PGlite with
 * TEST_DB=pglite) and a real SMTP server started here: one app for all these suites, because
 * bringing a service up on a fresh database is most of the run time. Suites keep out of each
 * other's way with their own users, bookings and email addresses.
 */
describe('notification-service API (integration)', () => {
  let smtp: TestSmtpServer;
  const h = new NotificationServiceHarness(() => ({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    MAIL_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    // long enough that no retry becomes due on its own during a test (tests move it with makeDue)
    MAIL_RETRY_BASE_MS: '60000',
    // small batches, so that two dispatchers interleave over a dozen emails
    MAIL_DISPATCH_BATCH_SIZE: '5',
    MAIL_SEND_TIMEOUT_MS: '5000',
  }));

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    await h.start();
  });
  afterAll(async () => {
    await h.close();
    await smtp?.stop();
  });

  consumerSuite(h);
  eventBatchSuite(h, () => smtp);
  emailSuite(h, () => smtp);
  httpSuite(h);
  authorizationSuite(h);
  badInputSuite(h);
  contractsSuite(h);
});
