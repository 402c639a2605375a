import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PaymentServiceConfig } from '../config.js';
import type { IdempotencyRecord } from '../generated/prisma/client.js';
import type { IdempotencyService } from '../idempotency/idempotency.service.js';
import { ChargeRecovery } from './charge-recovery.js';
import type { PaymentsService, RecoveryOutcome } from './payments.service.js';

const record = (id: string) => ({ id, key: `key-${id}` }) as IdempotencyRecord;

describe('ChargeRecovery', () => {
  let stale: IdempotencyRecord[];
  let outcomes: Record<string, RecoveryOutcome | Error>;
  let passes: number;
  let passDelayMs: number;

  const job = (intervalMs: number) =>
    new ChargeRecovery(
      {
        findStale: async () => {
          passes++;
          await sleep(passDelayMs);
          return stale;
        },
      } as unknown as IdempotencyService,
      {
        recoverCharge: async (r: IdempotencyRecord) => {
          const outcome = outcomes[r.id]!;
          if (outcome instanceof Error) throw outcome;
          return outcome;
        },
      } as unknown as PaymentsService,
      { RECOVERY_INTERVAL_MS: intervalMs } as PaymentServiceConfig,
    );

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    stale = [];
    outcomes = {};
    passes = 0;
    passDelayMs = 0;
  });

  it('counts what one pass did, going on past a claim that failed', async () => {
    stale = [record('a'), record('b'), record('c'), record('d')];
    outcomes = { a: 'recorded', b: new Error('provider down'), c: 'released', d: 'not-taken' };
    expect(await job(0).recover()).toEqual({ recorded: 1, released: 1, skipped: 2 });
  });

  it('runs nothing on its own when RECOVERY_INTERVAL_MS is 0', async () => {
    const j = job(0);
    j.onApplicationBootstrap();
    await sleep(30);
    await j.onApplicationShutdown();
    expect(passes).toBe(0);
  });

  it('runs a pass every interval, never two at once, and shutdown waits for the running one', async () => {
    passDelayMs = 60;
    const j = job(10);
    j.onApplicationBootstrap();
    await sleep(45); // several ticks, within the first (slow) pass
    expect(passes).toBe(1);
    const started = Date.now();
    await j.onApplicationShutdown();
    expect(Date.now() - started).toBeGreaterThanOrEqual(5); // it waited for the pass to end
    const after = passes;
    await sleep(40);
    expect(passes).toBe(after); // and no tick comes after shutdown
  });
});
