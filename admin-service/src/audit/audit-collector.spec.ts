import { ServiceMetrics } from '@cowork/service-kit';
import { expectNoScheduledPasses, expectScheduledPasses, PassGate } from '@cowork/service-kit/testing';
import { Logger } from '@nestjs/common';
import type { AuditSources } from '../clients/audit-source.client.js';
import type { AdminServiceConfig } from '../config.js';
import { AuditCollector, readPage } from './audit-collector.js';
import { InvalidAuditPageError } from './audit.errors.js';
import type { AuditLogRepository } from './audit-log.repository.js';

const entry = (sequence: number, overrides: Record<string, unknown> = {}) => ({
  id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
  sequence,
  occurredAt: '2026-11-25T10:00:00Z',
  actorId: null,
  action: 'user.suspended',
  targetType: 'user',
  targetId: 'u-1',
  before: { status: 'ACTIVE' },
  after: null,
  requestId: null,
  ...overrides,
});

function violationsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAuditPageError);
    return (error as InvalidAuditPageError).violations.map((v) => v.field);
  }
  throw new Error('expected an InvalidAuditPageError');
}

describe('readPage', () => {
  it('keeps the entries after the cursor and moves the cursor past all of them', () => {
    const page = readPage('s', { items: [entry(3), entry(4), entry(5)], nextAfter: 5 }, 3);
    expect(page.items.map((e) => e.sequence)).toEqual([4, 5]);
    expect(page.nextAfter).toBe(5);
  });

  it('never moves the cursor back, and past an entry a source forgot to count', () => {
    expect(readPage('s', { items: [], nextAfter: 2 }, 7).nextAfter).toBe(7);
    expect(readPage('s', { items: [entry(9)], nextAfter: 8 }, 7).nextAfter).toBe(9);
  });

  it('names what breaks the contract: ids, sequences, instants, lengths, shapes', () => {
    expect(
      violationsOf(() =>
        readPage(
          's',
          {
            items: [
              entry(1, { id: 'x' }),
              entry(2, { sequence: 2.5, occurredAt: '2026-11-25 10:00' }),
              entry(3, { action: 'a'.repeat(101), before: 'ACTIVE', actorId: 'nobody' }),
            ],
            nextAfter: -1,
          },
          0,
        ),
      ).sort(),
    ).toEqual(
      [
        'items[0].id',
        'items[1].sequence',
        'items[1].occurredAt',
        'items[2].action',
        'items[2].before',
        'items[2].actorId',
        'nextAfter',
      ].sort(),
    );
    expect(violationsOf(() => readPage('s', 'not a page', 0))).toEqual(['items', 'nextAfter']);
  });
});

describe('AuditCollector schedule', () => {
  let rounds: number;
  /** while set, each round waits for what it returns: the test holds rounds open */
  let hold: (() => Promise<void>) | undefined;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    rounds = 0;
    hold = undefined;
  });

  const collector = (intervalMs: number) =>
    new AuditCollector(
      { all: [] } as unknown as AuditSources,
      {
        ensureCursors: async () => {
          rounds++;
          await hold?.();
        },
      } as unknown as AuditLogRepository,
      { AUDIT_POLL_INTERVAL_MS: intervalMs, AUDIT_PAGE_SIZE: 100 } as AdminServiceConfig,
      new ServiceMetrics('admin-service-test'),
    );

  const hooks = (c: AuditCollector) => ({
    start: () => c.onApplicationBootstrap(),
    shutdown: () => c.onApplicationShutdown(),
  });

  it('runs nothing on its own when AUDIT_POLL_INTERVAL_MS is 0', async () => {
    await expectNoScheduledPasses(hooks(collector(0)), () => rounds);
  });

  it('runs a round every interval, never two at once, and shutdown waits for the running one', async () => {
    const gate = new PassGate();
    hold = () => gate.pass();
    await expectScheduledPasses({ intervalMs: 10, ...hooks(collector(10)) }, gate);
  });
});
