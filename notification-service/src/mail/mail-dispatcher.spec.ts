import { deferred, expectNoScheduledPasses, expectScheduledPasses, PassGate, until } from '@cowork/service-kit/testing';
import { Logger } from '@nestjs/common';
import type { NotificationServiceConfig } from '../config.js';
import type { ClaimedEmail, DeliveryRepository, FinishedAs } from './delivery.repository.js';
import { MailDispatcher } from './mail-dispatcher.js';
import type { MailTransport } from './mail-transport.js';

const email = (id: string, attempts = 0): ClaimedEmail => ({
  id,
  recipient: `${id}@example.com`,
  title: `title ${id}`,
  text: 'text',
  html: '<p>html</p>',
  attempts,
  leaseUntil: new Date(),
});

/**
 * The dispatcher's schedule and bookkeeping, with the database and SMTP replaced by fakes. The
 * schedule tests wait for conditions and hold claims open themselves, never for a fixed time.
 */
describe('MailDispatcher', () => {
  let due: ClaimedEmail[][];
  let claims: number;
  /** while set, each claim waits for what it returns: the test holds passes open */
  let hold: (() => Promise<void>) | undefined;
  let refused: Set<string>;
  let recorded: { id: string; outcome: 'sent' | 'failed'; retryInMs?: number; maxAttempts?: number }[];

  const dispatcher = (config: Partial<NotificationServiceConfig> = {}) =>
    new MailDispatcher(
      {
        claimDue: async () => {
          claims++;
          await hold?.();
          return due.shift() ?? [];
        },
        recordSent: async (e: ClaimedEmail): Promise<FinishedAs> => {
          recorded.push({ id: e.id, outcome: 'sent' });
          return 'sent';
        },
        recordFailed: async (e: ClaimedEmail, _error: string, _smtp: string | null, max: number, retryInMs: number) => {
          recorded.push({ id: e.id, outcome: 'failed', retryInMs, maxAttempts: max });
          return e.attempts + 1 >= max ? 'failed' : 'retrying';
        },
      } as unknown as DeliveryRepository,
      {
        send: async (mail: { notificationId: string }) => {
          if (refused.has(mail.notificationId)) throw Object.assign(new Error('refused'), { responseCode: 451 });
          return { messageId: `<${mail.notificationId}@cowork.local>`, response: '250 OK' };
        },
      } as unknown as MailTransport,
      {
        MAIL_DISPATCH_INTERVAL_MS: 0,
        MAIL_DISPATCH_BATCH_SIZE: 10,
        MAIL_MAX_ATTEMPTS: 3,
        MAIL_RETRY_BASE_MS: 1000,
        MAIL_RETRY_MAX_MS: 60_000,
        mailLeaseMs: 60_000,
        ...config,
      } as NotificationServiceConfig,
    );

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    due = [];
    claims = 0;
    hold = undefined;
    refused = new Set();
    recorded = [];
  });

  it('counts what one pass did: sent, retrying, failed for good', async () => {
    due = [[email('a'), email('b', 0), email('c', 2)]];
    refused = new Set(['b', 'c']);
    expect(await dispatcher().dispatchDue()).toEqual({
      claimed: 3,
      sent: 1,
      retrying: 1,
      failed: 1,
      leaseLost: 0,
      errors: 0,
    });
    const b = recorded.find((r) => r.id === 'b')!;
    expect(b).toMatchObject({ outcome: 'failed', maxAttempts: 3 });
    expect(b.retryInMs).toBeGreaterThanOrEqual(500); // first retry: base 1000 ms with jitter
    expect(b.retryInMs).toBeLessThanOrEqual(1000);
  });

  const hooks = (d: MailDispatcher) => ({
    start: () => d.onApplicationBootstrap(),
    shutdown: () => d.beforeApplicationShutdown(),
  });

  it('runs nothing on its own when MAIL_DISPATCH_INTERVAL_MS is 0', async () => {
    await expectNoScheduledPasses(hooks(dispatcher()), () => claims);
  });

  it('keeps passing within a tick while it finds full batches (a backlog)', async () => {
    due = [[email('a'), email('b')], [email('c'), email('d')], [email('e')]];
    const first = deferred();
    hold = () => first.promise;
    const d = dispatcher({ MAIL_DISPATCH_INTERVAL_MS: 10, MAIL_DISPATCH_BATCH_SIZE: 2 });
    d.onApplicationBootstrap();
    await until(() => claims === 1, "the first tick's first claim");
    // no tick after this: what is claimed from here on is the first tick's doing
    const stopped = d.beforeApplicationShutdown();
    first.resolve();
    await stopped;
    expect(recorded.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(claims).toBe(3); // full, full, then a short batch ends the tick
  });

  it('never runs two passes at once, and shutdown waits for the running one', async () => {
    const gate = new PassGate();
    hold = () => gate.pass();
    await expectScheduledPasses({ intervalMs: 10, ...hooks(dispatcher({ MAIL_DISPATCH_INTERVAL_MS: 10 })) }, gate);
  });
});
