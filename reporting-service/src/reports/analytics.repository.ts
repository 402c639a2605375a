import type { Interval } from '@cowork/workspace-rules';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { ReportBookingStatus, RevenuePeriod } from '../generated/prisma/enums.js';
import type { ReportRange } from './report-range.js';

export interface StatusCount {
  status: ReportBookingStatus;
  deleted: boolean;
  count: number;
}

export interface MoneyTotals {
  currency: string;
  capturedCents: number;
  refundedCents: number;
}

export interface RevenueBucket extends MoneyTotals {
  periodStart: Date;
}

export interface WorkspaceRow {
  workspaceId: string;
  name: string;
  timezone: string;
  openingHours: unknown;
}

export interface BookingRow {
  bookingId: string;
  userId: string;
  workspaceId: string;
  workspaceName: string | null;
  status: ReportBookingStatus;
  startTime: Date;
  endTime: Date;
  attendees: number;
  priceCents: number;
  currency: string;
  paidCents: number;
  bookingCreatedAt: Date;
  confirmedAt: Date | null;
  cancelledAt: Date | null;
  deletedAt: Date | null;
}

/** Reads of the read model for reports; aggregation happens in SQL, lists come in keyset pages. */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Bookings starting in the range, counted by status and by whether they were deleted. */
  async bookingCounts(range: ReportRange): Promise<StatusCount[]> {
    const rows = await this.prisma.$queryRaw<{ status: ReportBookingStatus; deleted: boolean; n: number }[]>`
      SELECT status::text AS status, (deleted_at IS NOT NULL) AS deleted, count(*)::int AS n
        FROM report_bookings
       WHERE start_time >= ${range.from}::timestamptz AND start_time < ${range.to}::timestamptz
       GROUP BY 1, 2`;
    return rows.map((r) => ({ status: r.status, deleted: r.deleted, count: Number(r.n) }));
  }

  /** Money that moved in the range, per currency: captures (positive) and refunds (negative) apart. */
  async moneyTotals(range: ReportRange): Promise<MoneyTotals[]> {
    const rows = await this.prisma.$queryRaw<{ currency: string; captured: bigint; refunded: bigint }[]>`
      SELECT currency,
             COALESCE(SUM(amount_cents) FILTER (WHERE amount_cents > 0), 0)::bigint AS captured,
             COALESCE(-SUM(amount_cents) FILTER (WHERE amount_cents < 0), 0)::bigint AS refunded
        FROM money_movements
       WHERE occurred_at >= ${range.from}::timestamptz AND occurred_at < ${range.to}::timestamptz
       GROUP BY currency
       ORDER BY currency`;
    return rows.map((r) => ({
      currency: r.currency,
      capturedCents: Number(r.captured),
      refundedCents: Number(r.refunded),
    }));
  }

  /**
   * Money per UTC period (date_trunc: ISO weeks start on Monday) and currency, in
   * (periodStart, currency) order, the page after `after`.
   */
  async revenueBuckets(
    range: ReportRange,
    period: RevenuePeriod,
    limit: number,
    after?: { periodStart: Date; currency: string },
  ): Promise<RevenueBucket[]> {
    const rows = await this.prisma.$queryRaw<
      { period_start: Date; currency: string; captured: bigint; refunded: bigint }[]
    >`
      SELECT period_start, currency, captured, refunded FROM (
        SELECT date_trunc(${period}::text, occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS period_start,
               currency,
               COALESCE(SUM(amount_cents) FILTER (WHERE amount_cents > 0), 0)::bigint AS captured,
               COALESCE(-SUM(amount_cents) FILTER (WHERE amount_cents < 0), 0)::bigint AS refunded
          FROM money_movements
         WHERE occurred_at >= ${range.from}::timestamptz AND occurred_at < ${range.to}::timestamptz
         GROUP BY 1, 2
      ) buckets
      ${after ? Prisma.sql`WHERE (period_start, currency) > (${after.periodStart}::timestamptz, ${after.currency}::char(3))` : Prisma.empty}
      ORDER BY period_start, currency
      LIMIT ${limit}`;
    return rows.map((r) => ({
      periodStart: new Date(r.period_start),
      currency: r.currency.trim(),
      capturedCents: Number(r.captured),
      refundedCents: Number(r.refunded),
    }));
  }

  /** Workspaces in (name, id) order, the page after `after`; only `workspaceId` when given. */
  workspaces(
    limit: number,
    workspaceId?: string,
    after?: { name: string; workspaceId: string },
  ): Promise<WorkspaceRow[]> {
    return this.prisma.reportWorkspace.findMany({
      where: {
        AND: [
          workspaceId ? { workspaceId } : {},
          after
            ? {
                OR: [{ name: { gt: after.name } }, { name: after.name, workspaceId: { gt: after.workspaceId } }],
              }
            : {},
        ],
      },
      orderBy: [{ name: 'asc' }, { workspaceId: 'asc' }],
      take: limit,
      select: { workspaceId: true, name: true, timezone: true, openingHours: true },
    });
  }

  /** CONFIRMED, not deleted bookings of a workspace overlapping [from, to): what occupies it. */
  async confirmedIntervals(workspaceId: string, from: Date, to: Date): Promise<Interval[]> {
    const rows = await this.prisma.reportBooking.findMany({
      where: { workspaceId, status: 'CONFIRMED', deletedAt: null, startTime: { lt: to }, endTime: { gt: from } },
      select: { startTime: true, endTime: true },
      orderBy: [{ startTime: 'asc' }, { bookingId: 'asc' }],
    });
    return rows.map((r) => ({ start: r.startTime, end: r.endTime }));
  }

  /** Bookings starting in the range (deleted ones too), in (startTime, bookingId) order, the page after `after`. */
  async bookings(
    range: ReportRange,
    limit: number,
    workspaceId?: string,
    after?: { startTime: Date; bookingId: string },
  ): Promise<BookingRow[]> {
    const rows = await this.prisma.reportBooking.findMany({
      where: {
        AND: [
          { startTime: { gte: range.from, lt: range.to } },
          workspaceId ? { workspaceId } : {},
          after
            ? {
                OR: [
                  { startTime: { gt: after.startTime } },
                  { startTime: after.startTime, bookingId: { gt: after.bookingId } },
                ],
              }
            : {},
        ],
      },
      orderBy: [{ startTime: 'asc' }, { bookingId: 'asc' }],
      take: limit,
    });
    const names = await this.workspaceNames([...new Set(rows.map((r) => r.workspaceId))]);
    return rows.map((r) => ({
      bookingId: r.bookingId,
      userId: r.userId,
      workspaceId: r.workspaceId,
      workspaceName: names.get(r.workspaceId) ?? null,
      status: r.status,
      startTime: r.startTime,
      endTime: r.endTime,
      attendees: r.attendees,
      priceCents: r.priceCents,
      currency: r.currency,
      paidCents: r.paidCents,
      bookingCreatedAt: r.bookingCreatedAt,
      confirmedAt: r.confirmedAt,
      cancelledAt: r.cancelledAt,
      deletedAt: r.deletedAt,
    }));
  }

  private async workspaceNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.reportWorkspace.findMany({
      where: { workspaceId: { in: ids } },
      select: { workspaceId: true, name: true },
    });
    return new Map(rows.map((r) => [r.workspaceId, r.name]));
  }
}
