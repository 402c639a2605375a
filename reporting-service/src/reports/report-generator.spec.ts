import { expectNoScheduledPasses, expectScheduledPasses, PassGate } from '@cowork/service-kit/testing';
import { Logger } from '@nestjs/common';
import type { ReportingServiceConfig } from '../config.js';
import type { AnalyticsService } from './analytics.service.js';
import { ReportGenerator } from './report-generator.js';
import type { StoredReportsRepository } from './stored-reports.repository.js';

describe('ReportGenerator schedule', () => {
  let passes: number;
  /** while set, each pass waits for what it returns: the test holds passes open */
  let hold: (() => Promise<void>) | undefined;

  const generator = (intervalMs: number) =>
    new ReportGenerator(
      {
        claimNext: async () => {
          passes++;
          await hold?.();
          return { kind: 'none' };
        },
      } as unknown as StoredReportsRepository,
      {} as AnalyticsService,
      { REPORT_GENERATION_INTERVAL_MS: intervalMs, REPORT_LEASE_MS: 60_000 } as ReportingServiceConfig,
    );

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    passes = 0;
    hold = undefined;
  });

  const hooks = (g: ReportGenerator) => ({
    start: () => g.onApplicationBootstrap(),
    shutdown: () => g.beforeApplicationShutdown(),
  });

  it('runs nothing on its own when REPORT_GENERATION_INTERVAL_MS is 0', async () => {
    await expectNoScheduledPasses(hooks(generator(0)), () => passes);
  });

  it('runs a pass every interval, never two at once, and shutdown waits for the running one', async () => {
    const gate = new PassGate();
    hold = () => gate.pass();
    await expectScheduledPasses({ intervalMs: 10, ...hooks(generator(10)) }, gate);
  });

  it('claims nothing once shutting down', async () => {
    const g = generator(0);
    await g.beforeApplicationShutdown();
    expect(await g.runPass()).toEqual({ ready: 0, failed: 0, interrupted: 0 });
    expect(passes).toBe(0);
  });
});
