import { DomainError, RecurringPass, withRequestId } from '@cowork/service-kit';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ReportingServiceConfig } from '../config.js';
import { AnalyticsService } from './analytics.service.js';
import { ReportSink, writeReport } from './report-output.js';
import { ReadModelInconsistentError } from './reports.errors.js';
import { LeaseLostError, ReportClaim, StoredReportsRepository } from './stored-reports.repository.js';

/** Output is stored in chunks of about this size (a chunk ends at the first row boundary past it). */
export const CHUNK_BYTES = 64 * 1024;
/** A report whose generator died this many times is FAILED rather than tried again. */
export const MAX_ATTEMPTS = 3;
/** One pass generates at most this many reports, so a shutdown never waits for a long queue. */
const MAX_REPORTS_PER_PASS = 20;

export interface GenerationPass {
  ready: number;
  failed: number;
  /** claimed, then lost (lease taken over, report deleted) or given back on shutdown */
  interrupted: number;
}

/** Buffers output and stores it as numbered chunks of about CHUNK_BYTES. */
export class ChunkSink implements ReportSink {
  /** chunks stored so far (the next one's seq) */
  chunks = 0;
  /** bytes written in total (UTF-8) */
  bytes = 0;
  private parts: string[] = [];
  private pending = 0;

  constructor(
    private readonly store: (seq: number, content: string) => Promise<void>,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {}

  async write(text: string): Promise<void> {
    if (text.length === 0) return;
    const size = Buffer.byteLength(text);
    this.parts.push(text);
    this.pending += size;
    this.bytes += size;
    if (this.pending >= this.chunkBytes) await this.flush();
  }

  async close(): Promise<void> {
    if (this.pending > 0) await this.flush();
  }

  private async flush(): Promise<void> {
    const content = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    await this.store(this.chunks, content);
    this.chunks++;
  }
}

/** Thrown at a checkpoint when the service is shutting down: the report goes back to PENDING. */
class GenerationStopped extends Error {}

/**
 * Generates stored reports in the background: every REPORT_GENERATION_INTERVAL_MS a pass claims
 * PENDING reports one at a time (FOR UPDATE SKIP LOCKED, with a lease: safe with several
 * replicas; a dead generator's report is claimed again once its lease runs out), writes each a
 * page of rows at a time into ~64 KiB chunks (the lease is renewed with each), and marks it READY
 * or FAILED. A pass never overlaps the previous one; shutdown hands an unfinished report back.
 */
@Injectable()
export class ReportGenerator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReportGenerator.name);
  private readonly schedule = new RecurringPass({
    intervalMs: this.config.REPORT_GENERATION_INTERVAL_MS,
    pass: () => this.runPass(),
    logger: this.logger,
    failurePrefix: 'report generation pass failed',
  });

  constructor(
    private readonly reports: StoredReportsRepository,
    private readonly analytics: AnalyticsService,
    private readonly config: ReportingServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  /** Before the database closes (onApplicationShutdown): the running pass hands its report back first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One pass: generates claimable reports until none is left (or MAX_REPORTS_PER_PASS). Tests call it directly. */
  runPass(): Promise<GenerationPass> {
    return withRequestId(`report-generator-${randomUUID()}`, async () => {
      const pass: GenerationPass = { ready: 0, failed: 0, interrupted: 0 };
      for (let n = 0; n < MAX_REPORTS_PER_PASS && !this.schedule.stopping; n++) {
        const next = await this.reports.claimNext(this.config.REPORT_LEASE_MS, MAX_ATTEMPTS);
        if (next.kind === 'none') break;
        if (next.kind === 'exhausted') {
          this.logger.warn(`report ${next.reportId}: FAILED after ${MAX_ATTEMPTS} interrupted attempts`);
          pass.failed++;
          continue;
        }
        pass[await this.generate(next.claim)]++;
      }
      return pass;
    });
  }

  private async generate(claim: ReportClaim): Promise<keyof GenerationPass> {
    const { report } = claim;
    const leaseMs = this.config.REPORT_LEASE_MS;
    let renewedAt = Date.now();
    const sink = new ChunkSink(async (seq, content) => {
      await this.reports.appendChunk(claim, seq, content, leaseMs);
      renewedAt = Date.now();
    });
    const checkpoint = async () => {
      if (this.schedule.stopping) throw new GenerationStopped();
      // a page that produced no full chunk still proves the generator is alive
      if (Date.now() - renewedAt > leaseMs / 3) {
        await this.reports.renewLease(claim, leaseMs);
        renewedAt = Date.now();
      }
    };
    try {
      const rowCount = await writeReport(
        {
          id: report.id,
          type: report.type,
          format: report.format,
          range: { from: report.fromTime, to: report.toTime },
          groupBy: report.groupBy,
          workspaceId: report.workspaceId,
        },
        this.analytics,
        sink,
        checkpoint,
      );
      await sink.close();
      if (!(await this.reports.complete(claim, rowCount, sink.bytes))) throw new LeaseLostError(report.id);
      this.logger.log(
        `report ${report.id} (${report.type}, ${report.format}): READY, ${rowCount} rows, ${sink.bytes} bytes`,
      );
      return 'ready';
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.logger.warn(`report ${report.id}: ${error.message}; left to whoever holds it now`);
        return 'interrupted';
      }
      if (error instanceof GenerationStopped) {
        await this.reports.release(claim);
        this.logger.log(`report ${report.id}: handed back (shutting down)`);
        return 'interrupted';
      }
      const known = error instanceof DomainError || error instanceof ReadModelInconsistentError;
      this.logger.error(
        { err: error, reportId: report.id },
        `report ${report.id}: generation failed: ${(error as Error)?.message}`,
      );
      const reason = known
        ? (error as Error).message
        : `unexpected error while generating (logged with report id ${report.id})`;
      return (await this.reports.fail(claim, reason)) ? 'failed' : 'interrupted';
    }
  }
}
