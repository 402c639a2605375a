import { deferred, expectNoScheduledPasses, expectScheduledPasses, PassGate, until } from '@cowork/service-kit/testing';
import { Logger } from '@nestjs/common';
import type { AuthServiceConfig } from '../config.js';
import type { RefreshTokens } from '../sessions/refresh-tokens.js';
import type { LoginThrottle } from './login-throttle.js';
import { FAMILY_BATCH, StaleAuthRecordsPurge, THROTTLE_BATCH } from './stale-auth-records-purge.js';

describe('StaleAuthRecordsPurge', () => {
  /** what each throttle batch answers, in turn (then: nothing left) */
  let throttleBatches: { purged: number; next?: string }[];
  let familyBatches: { families: number; tokens: number }[];
  let afterKeys: string[];
  let familyCalls: number;
  let passes: number;
  /** while set, each throttle batch waits for what it returns: the test holds batches open */
  let hold: (() => Promise<void>) | undefined;
  let failWith: Error | undefined;

  const job = (intervalMs: number) =>
    new StaleAuthRecordsPurge(
      {
        purgeEndedWindows: async (after: string, limit: number) => {
          expect(limit).toBe(THROTTLE_BATCH);
          if (after === '') passes++;
          afterKeys.push(after);
          await hold?.();
          if (failWith) throw failWith;
          return throttleBatches.shift() ?? { purged: 0 };
        },
      } as unknown as LoginThrottle,
      {
        purgeExpiredFamilies: async (limit: number) => {
          expect(limit).toBe(FAMILY_BATCH);
          familyCalls++;
          return familyBatches.shift() ?? { families: 0, tokens: 0 };
        },
      } as unknown as RefreshTokens,
      { PURGE_INTERVAL_MS: intervalMs, REFRESH_TOKEN_RETENTION_DAYS: 7 } as AuthServiceConfig,
    );

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    throttleBatches = [];
    familyBatches = [];
    afterKeys = [];
    familyCalls = 0;
    passes = 0;
    hold = undefined;
    failWith = undefined;
  });

  it('repeats each purge while its batches come back full, each throttle batch after the last key of the one before', async () => {
    throttleBatches = [
      { purged: THROTTLE_BATCH, next: 'ip:1' },
      { purged: THROTTLE_BATCH - 3, next: 'ip:2' },
      { purged: 10 },
    ];
    familyBatches = [
      { families: FAMILY_BATCH, tokens: 900 },
      { families: 5, tokens: 7 },
      { families: 99, tokens: 99 },
    ];

    const pass = await job(0).runPass();

    expect(afterKeys).toEqual(['', 'ip:1', 'ip:2']);
    expect(pass).toEqual({
      loginThrottles: 2 * THROTTLE_BATCH + 7,
      refreshTokenFamilies: FAMILY_BATCH + 5,
      refreshTokens: 907,
    });
    expect(familyCalls).toBe(2); // the batch after a short one is never asked for
  });

  const hooks = (j: StaleAuthRecordsPurge) => ({
    start: () => j.onApplicationBootstrap(),
    shutdown: () => j.beforeApplicationShutdown(),
  });

  it('runs nothing on its own when PURGE_INTERVAL_MS is 0', async () => {
    await expectNoScheduledPasses(hooks(job(0)), () => passes);
  });

  it('runs a pass every interval, never two at once, and shutdown waits for the running one', async () => {
    const gate = new PassGate(); // nothing to purge: a pass is one throttle batch (and one family batch)
    hold = () => gate.pass();
    await expectScheduledPasses({ intervalMs: 10, ...hooks(job(10)) }, gate);
  });

  it('stops after the current batch when the service shuts down', async () => {
    throttleBatches = Array.from({ length: 100 }, (_, i) => ({ purged: THROTTLE_BATCH, next: `ip:${i}` }));
    const third = deferred();
    hold = () => (afterKeys.length === 3 ? third.promise : Promise.resolve());
    const j = job(5);
    j.onApplicationBootstrap();
    await until(() => afterKeys.length === 3, "the first pass's third throttle batch");
    const stopped = j.beforeApplicationShutdown();
    third.resolve();
    await stopped;
    expect(afterKeys).toEqual(['', 'ip:0', 'ip:1']); // the batch under way ended; no other began
    expect(familyCalls).toBe(0); // nor were the refresh tokens
  });

  it('logs a failed pass and tries again at the next tick', async () => {
    failWith = new Error('database went away');
    const j = job(10);
    j.onApplicationBootstrap();
    await until(() => passes >= 2, 'a pass after the failed one');
    await j.beforeApplicationShutdown();
  });
});
