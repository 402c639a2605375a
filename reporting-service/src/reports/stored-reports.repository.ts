import { afterCursor, isUniqueViolation, KeysetCursor, recordAdminAction } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PrismaClient, Report } from '../generated/prisma/client.js';
import type { ReportFormat, ReportStatus, ReportType, RevenuePeriod } from '../generated/prisma/enums.js';
import { ReportDto } from './dto/report.dto.js';

export interface NewReport {
  type: ReportType;
  format: ReportFormat;
  fromTime: Date;
  toTime: Date;
  groupBy: RevenuePeriod | null;
  workspaceId: string | null;
  createdBy: string;
  idempotencyKey: string | null;
  requestHash: string;
}

/** A generator's hold on a report: chunks and the result are written only while it is current. */
export interface ReportClaim {
  report: Report;
  leaseToken: string;
}

export type ClaimResult =
  | { kind: 'claimed'; claim: ReportClaim }
  /** claimed too often (each generator that took it died): marked FAILED instead */
  | { kind: 'exhausted'; reportId: string }
  | { kind: 'none' };

/** The claim was taken over (its lease ran out) or the report was deleted: stop writing. */
export class LeaseLostError extends Error {
  constructor(reportId: string) {
    super(`lost the claim on report ${reportId}`);
    this.name = 'LeaseLostError';
  }
}

@Injectable()
export class StoredReportsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * A new PENDING report, recorded as `report.requested` by its admin in the same transaction;
   * with an Idempotency-Key, the admin's earlier report under that key if there is one (the
   * unique (created_by, idempotency_key) index decides between concurrent twins; the loser's
   * transaction, audit entry included, rolls back, so a replay records nothing).
   */
  async create(data: NewReport): Promise<{ report: Report; created: boolean }> {
    try {
      const report = await this.prisma.$transaction(async (tx) => {
        const row = await tx.report.create({ data: { id: randomUUID(), status: 'PENDING', ...data } });
        await recordAdminAction(tx, {
          action: 'report.requested',
          targetType: 'report',
          targetId: row.id,
          actorId: data.createdBy,
          after: {
            id: row.id,
            type: row.type,
            format: row.format,
            from: row.fromTime.toISOString(),
            to: row.toTime.toISOString(),
          },
        });
        return row;
      });
      return { report, created: true };
    } catch (error) {
      if (!data.idempotencyKey || !isUniqueViolation(error)) throw error;
      const existing = await this.prisma.report.findUnique({
        where: { createdBy_idempotencyKey: { createdBy: data.createdBy, idempotencyKey: data.idempotencyKey } },
      });
      if (!existing) throw error; // deleted in between: the caller may simply retry
      return { report: existing, created: false };
    }
  }

  findById(id: string): Promise<Report | null> {
    return this.prisma.report.findUnique({ where: { id } });
  }

  /** Newest first; one extra row tells whether there is a next page. */
  list(filter: { status?: ReportStatus; type?: ReportType }, limit: number, cursor?: KeysetCursor): Promise<Report[]> {
    return this.prisma.report.findMany({
      where: {
        AND: [
          afterCursor(cursor),
          filter.status ? { status: filter.status } : {},
          filter.type ? { type: filter.type } : {},
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }

  /**
   * Deletes the report and its chunks (ON DELETE CASCADE) and records `report.deleted` (the report
   * as it was) in the same transaction; false when there was none (nothing recorded). Of two
   * concurrent deletes only the one whose DELETE removed the row records it.
   */
  async delete(id: string, actorId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const report = await tx.report.findUnique({ where: { id } });
      if (!report) return false;
      if ((await tx.report.deleteMany({ where: { id } })).count !== 1) return false;
      await recordAdminAction(tx, {
        action: 'report.deleted',
        targetType: 'report',
        targetId: id,
        actorId,
        before: ReportDto.from(report),
      });
      return true;
    });
  }

  /**
   * Claims the oldest report that is PENDING, or GENERATING with a lease that ran out (its
   * generator died), skipping rows another generator has locked: replicas never take the same
   * report. The claim deletes whatever chunks an earlier attempt left, so output is never doubled.
   */
  async claimNext(leaseMs: number, maxAttempts: number): Promise<ClaimResult> {
    return this.prisma.$transaction(async (tx) => {
      const [next] = await tx.$queryRaw<{ id: string; attempts: number }[]>`
        SELECT id, attempts FROM reports
         WHERE status = 'PENDING' OR (status = 'GENERATING' AND lease_until < now())
         ORDER BY created_at, id
         LIMIT 1
           FOR UPDATE SKIP LOCKED`;
      if (!next) return { kind: 'none' as const };
      await tx.reportChunk.deleteMany({ where: { reportId: next.id } });
      if (next.attempts >= maxAttempts) {
        await tx.$executeRaw`
          UPDATE reports
             SET status = 'FAILED', lease_token = NULL, lease_until = NULL, completed_at = now(), updated_at = now(),
                 error = ${`generation was interrupted ${next.attempts} times (the generating process stopped each time)`}
           WHERE id = ${next.id}::uuid`;
        return { kind: 'exhausted' as const, reportId: next.id };
      }
      const leaseToken = randomUUID();
      await tx.$executeRaw`
        UPDATE reports
           SET status = 'GENERATING', lease_token = ${leaseToken}::uuid,
               lease_until = now() + ${leaseMs}::int * interval '1 millisecond',
               attempts = attempts + 1, started_at = now(), updated_at = now()
         WHERE id = ${next.id}::uuid`;
      const report = await tx.report.findUniqueOrThrow({ where: { id: next.id } });
      return { kind: 'claimed' as const, claim: { report, leaseToken } };
    });
  }

  /** Extends the claim by leaseMs from now; LeaseLostError if it is no longer ours. */
  async renewLease(claim: ReportClaim, leaseMs: number): Promise<void> {
    const renewed = await this.prisma.$executeRaw`
      UPDATE reports SET lease_until = now() + ${leaseMs}::int * interval '1 millisecond', updated_at = now()
       WHERE id = ${claim.report.id}::uuid AND lease_token = ${claim.leaseToken}::uuid AND status = 'GENERATING'`;
    if (renewed !== 1) throw new LeaseLostError(claim.report.id);
  }

  /** Appends one chunk under the claim (and renews it), atomically; LeaseLostError if the claim is gone. */
  async appendChunk(claim: ReportClaim, seq: number, content: string, leaseMs: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const renewed = await tx.$executeRaw`
        UPDATE reports SET lease_until = now() + ${leaseMs}::int * interval '1 millisecond', updated_at = now()
         WHERE id = ${claim.report.id}::uuid AND lease_token = ${claim.leaseToken}::uuid AND status = 'GENERATING'`;
      if (renewed !== 1) throw new LeaseLostError(claim.report.id);
      await tx.reportChunk.create({ data: { reportId: claim.report.id, seq, content } });
    });
  }

  /** READY with its size; false if the claim was lost meanwhile (then someone else finishes it). */
  async complete(claim: ReportClaim, rowCount: number, byteSize: number): Promise<boolean> {
    const done = await this.prisma.$executeRaw`
      UPDATE reports
         SET status = 'READY', row_count = ${rowCount}::int, byte_size = ${byteSize}::bigint, lease_token = NULL, lease_until = NULL,
             error = NULL, completed_at = now(), updated_at = now()
       WHERE id = ${claim.report.id}::uuid AND lease_token = ${claim.leaseToken}::uuid AND status = 'GENERATING'`;
    return done === 1;
  }

  /** FAILED with the reason; its partial chunks go. */
  async fail(claim: ReportClaim, error: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const failed = await tx.$executeRaw`
        UPDATE reports
           SET status = 'FAILED', error = ${error.slice(0, 1000)}, lease_token = NULL, lease_until = NULL,
               completed_at = now(), updated_at = now()
         WHERE id = ${claim.report.id}::uuid AND lease_token = ${claim.leaseToken}::uuid AND status = 'GENERATING'`;
      if (failed === 1) await tx.reportChunk.deleteMany({ where: { reportId: claim.report.id } });
      return failed === 1;
    });
  }

  /** Gives an unfinished report back (a graceful shutdown): PENDING again, the attempt not counted. */
  async release(claim: ReportClaim): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const released = await tx.$executeRaw`
        UPDATE reports
           SET status = 'PENDING', lease_token = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0),
               updated_at = now()
         WHERE id = ${claim.report.id}::uuid AND lease_token = ${claim.leaseToken}::uuid AND status = 'GENERATING'`;
      if (released === 1) await tx.reportChunk.deleteMany({ where: { reportId: claim.report.id } });
    });
  }

  /** The chunk after `seq` (-1: the first), or null at the end: a download reads one at a time. */
  nextChunk(reportId: string, afterSeq: number): Promise<{ seq: number; content: string } | null> {
    return this.prisma.reportChunk.findFirst({
      where: { reportId, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      select: { seq: true, content: true },
    });
  }
}
