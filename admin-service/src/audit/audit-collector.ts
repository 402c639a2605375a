import { flattenViolations, RecurringPass, ServiceMetrics, withRequestId } from '@cowork/service-kit';
import type { Counter } from '@cowork/service-kit';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { AuditSource, AuditSources } from '../clients/audit-source.client.js';
import { AdminServiceConfig } from '../config.js';
import { InvalidAuditPageError } from './audit.errors.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { SourceAuditEntryDto, SourceAuditPageDto } from './dto/source-entry.dto.js';

/** Pages read from one source in one round at most, so a large backlog cannot hold a round for long. */
const MAX_PAGES_PER_ROUND = 50;

export type SourceOutcome =
  /** read to the end */
  | 'caught-up'
  /** stopped at MAX_PAGES_PER_ROUND; the next round goes on */
  | 'more'
  /** down, slow, circuit open or refused: skipped, read again next round */
  | 'unavailable'
  /** another collector (replica) is storing this source right now */
  | 'busy'
  /** answered a page that breaks the contract: not stored, the cursor stays (logged) */
  | 'invalid';

export interface SourceRound {
  outcome: SourceOutcome;
  /** entries this round stored (duplicates not counted) */
  inserted: number;
}

/**
 * Pulls every audit source (AUDIT_SOURCES) every AUDIT_POLL_INTERVAL_MS: from each source's
 * stored cursor, page by page, each page stored with the cursor's move in one transaction
 * (AuditLogRepository.storePage), so a crash or an outage loses nothing and repeats nothing.
 * Sources are read in parallel; one that fails is skipped this round and caught up later.
 */
@Injectable()
export class AuditCollector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditCollector.name);
  private readonly schedule = new RecurringPass({
    intervalMs: this.config.AUDIT_POLL_INTERVAL_MS,
    pass: () => this.collectOnce(),
    logger: this.logger,
    failurePrefix: 'audit collection round failed',
  });
  private readonly collected: Counter<'source'>;
  private readonly rounds: Counter<'source' | 'outcome'>;

  constructor(
    private readonly sources: AuditSources,
    private readonly log: AuditLogRepository,
    private readonly config: AdminServiceConfig,
    metrics: ServiceMetrics,
  ) {
    this.collected = metrics.counter('audit_entries_collected_total', 'Audit entries stored, by source', ['source']);
    this.rounds = metrics.counter('audit_collection_rounds_total', 'Collection rounds by source and outcome', [
      'source',
      'outcome',
    ]);
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One round over every source. Called by the timer, and directly by tests. */
  collectOnce(): Promise<Record<string, SourceRound>> {
    return withRequestId(`audit-collector-${randomUUID()}`, async () => {
      await this.log.ensureCursors(this.sources.all.map((s) => s.name));
      const rounds = await Promise.all(this.sources.all.map((source) => this.collect(source)));
      return Object.fromEntries(this.sources.all.map((source, i) => [source.name, rounds[i]!]));
    });
  }

  private async collect(source: AuditSource): Promise<SourceRound> {
    const round = await this.collectPages(source);
    this.rounds.inc({ source: source.name, outcome: round.outcome });
    if (round.inserted > 0) this.collected.inc({ source: source.name }, round.inserted);
    return round;
  }

  private async collectPages(source: AuditSource): Promise<SourceRound> {
    const pageSize = this.config.AUDIT_PAGE_SIZE;
    let inserted = 0;
    for (let pages = 0; pages < MAX_PAGES_PER_ROUND && !this.schedule.stopping; pages++) {
      const after = await this.log.cursorOf(source.name);
      let page: { items: SourceAuditEntryDto[]; nextAfter: number };
      try {
        page = readPage(source.name, await source.entries(after, pageSize), after);
      } catch (error) {
        if (error instanceof InvalidAuditPageError) {
          this.logger.error(`${error.message}; its cursor stays at ${after} until it answers a valid page`);
          return { outcome: 'invalid', inserted };
        }
        this.logger.warn(`audit source ${source.name} skipped this round: ${(error as Error).message}`);
        return { outcome: 'unavailable', inserted };
      }
      if (page.nextAfter === after) return { outcome: 'caught-up', inserted };
      const stored = await this.log.storePage(source.name, after, page.items, page.nextAfter);
      if (stored.kind === 'busy') return { outcome: 'busy', inserted };
      if (stored.kind === 'moved') continue;
      inserted += stored.inserted;
      if (page.items.length < pageSize) return { outcome: 'caught-up', inserted };
    }
    return { outcome: 'more', inserted };
  }
}

/**
 * A source's answer, validated: the entries after `after`, and where the cursor goes next (never
 * back, and at least past every entry of the page).
 */
export function readPage(
  source: string,
  raw: unknown,
  after: number,
): { items: SourceAuditEntryDto[]; nextAfter: number } {
  const page = plainToInstance(SourceAuditPageDto, typeof raw === 'object' && raw !== null ? raw : {});
  const errors = validateSync(page);
  if (errors.length > 0) throw new InvalidAuditPageError(source, flattenViolations(errors));
  const items = page.items.filter((entry) => entry.sequence > after);
  const nextAfter = Math.max(after, page.nextAfter, ...items.map((entry) => entry.sequence));
  return { items, nextAfter };
}
