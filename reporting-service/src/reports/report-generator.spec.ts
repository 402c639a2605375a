import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportingServiceConfig } from '../config.js';
import type { AnalyticsService } from './analytics.service.js';
import { ReportGenerator } from './report-generator.js';
import type { StoredReportsRepository } from './stored-reports.repository.js';

describe('ReportGenerator schedule', () => {
  let passes: number;
  let passDelayMs: number;

  const generator = (intervalMs: number) =>
    new ReportGenerator(
      {
        claimNext: async () => {
          passes++;
          await sleep(passDelayMs);
          return { kind: 'none' };
        },
      } as unknown as StoredReportsRepository,
      {} as AnalyticsService,
      { REPORT_GENERATION_INTERVAL_MS: intervalMs, REPORT_LEASE_MS: 60_000 } as ReportingServiceConfig,
    );

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    passes = 0;
    passDelayMs = 0;
  });

  it('runs nothing on its own when REPORT_GENERATION_INTERVAL_MS is 0', async () => {
    const g = generator(0);
    g.onApplicationBootstrap();
    await sleep(30);
    await g.beforeApplicationShutdown();
    expect(passes).toBe(0);
  });

  it('runs a pass every interval, never two at once, and shutdown waits for the running one', async () => {
    passDelayMs = 60;
    const g = generator(10);
    g.onApplicationBootstrap();
    await sleep(45); // several ticks, within the first (slow) pass
    expect(passes).toBe(1);
    const started = Date.now();
    await g.beforeApplicationShutdown();
    expect(Date.now() - started).toBeGreaterThanOrEqual(5);
    const after = passes;
    await sleep(40);
    expect(passes).toBe(after);
  });

  it('claims nothing once shutting down', async () => {
    const g = generator(0);
    await g.beforeApplicationShutdown();
    expect(await g.runPass()).toEqual({ ready: 0, failed: 0, interrupted: 0 });
    expect(passes).toBe(0);
  });
});
