import { expectNoScheduledPasses, expectScheduledPasses, PassGate } from '@cowork/service-kit/testing';
import { Logger } from '@nestjs/common';
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
  /** while set, each pass waits for what it returns: the test holds passes open */
  let hold: (() => Promise<void>) | undefined;

  const job = (intervalMs: number) =>
    new ChargeRecovery(
      {
        findStale: async () => {
          passes++;
          await hold?.();
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
    hold = undefined;
  });

  it('counts what one pass did, going on past a claim that failed', async () => {
    stale = [record('a'), record('b'), record('c'), record('d')];
    outcomes = { a: 'recorded', b: new Error('provider down'), c: 'released', d: 'not-taken' };
    expect(await job(0).recover()).toEqual({ recorded: 1, released: 1, skipped: 2 });
  });

  const hooks = (j: ChargeRecovery) => ({
    start: () => j.onApplicationBootstrap(),
    shutdown: () => j.onApplicationShutdown(),
  });

  it('runs nothing on its own when RECOVERY_INTERVAL_MS is 0', async () => {
    await expectNoScheduledPasses(hooks(job(0)), () => passes);
  });

  it('runs a pass every interval, never two at once, and shutdown waits for the running one', async () => {
    const gate = new PassGate();
    hold = () => gate.pass();
    await expectScheduledPasses({ intervalMs: 10, ...hooks(job(10)) }, gate);
  });
});
