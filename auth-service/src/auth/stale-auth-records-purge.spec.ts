import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
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
  let batchDelayMs: number;
  let failWith: Error | undefined;

  const job = (intervalMs: number) =>
    new StaleAuthRecordsPurge(
      {
        purgeEndedWindows: async (after: string, limit: number) => {
          expect(limit).toBe(THROTTLE_BATCH);
          if (after === '') passes++;
          afterKeys.push(after);
          await sleep(batchDelayMs);
          if (failWith) throw failWith;
          return throttleBatches.shift() ?? { purged: 0 };
        },
      } as unknown as LoginThrottle,
      {
        purgeExpiredFamilies: async (limit: number) => {
          expect(limit).toBe(FAMILY_BATCH);
          familyCalls++;
          await sleep(batchDelayMs);
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
    batchDelayMs = 0;
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

  it('runs nothing on its own when PURGE_INTERVAL_MS is 0', async () => {
    const j = job(0);
    j.onApplicationBootstrap();
    await sleep(30);
    await j.beforeApplicationShutdown();
    expect(passes).toBe(0);
  });

  it('runs a pass every interval, never two at once, and shutdown waits for the running one', async () => {
    batchDelayMs = 50;
    const j = job(10);
    j.onApplicationBootstrap();
    await sleep(45); // several ticks, within the first (slow) pass
    expect(passes).toBe(1);
    const started = Date.now();
    await j.beforeApplicationShutdown();
    expect(Date.now() - started).toBeGreaterThanOrEqual(5); // it waited for the pass to end
    const after = passes;
    await sleep(40);
    expect(passes).toBe(after); // and no tick comes after shutdown
  });

  it('stops after the current batch when the service shuts down', async () => {
    batchDelayMs = 20;
    throttleBatches = Array.from({ length: 100 }, (_, i) => ({ purged: THROTTLE_BATCH, next: `ip:${i}` }));
    const j = job(5);
    j.onApplicationBootstrap();
    await sleep(30); // inside the first pass's throttle batches
    const started = afterKeys.length;
    await j.beforeApplicationShutdown();
    expect(started).toBeGreaterThanOrEqual(1);
    expect(afterKeys).toHaveLength(started); // the batch under way ended; no other began
    expect(familyCalls).toBe(0); // nor were the refresh tokens
  });

  it('logs a failed pass and tries again at the next tick', async () => {
    failWith = new Error('database went away');
    const j = job(10);
    j.onApplicationBootstrap();
    await sleep(35);
    await j.beforeApplicationShutdown();
    expect(passes).toBeGreaterThanOrEqual(2);
  });
});
