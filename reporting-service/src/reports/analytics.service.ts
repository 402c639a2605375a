import { isValidTimeZone, OpeningRange, openingHoursViolations } from '@cowork/workspace-rules';
import { Injectable } from '@nestjs/common';
import { ReportingServiceConfig } from '../config.js';
import { ReportBookingStatus, RevenuePeriod } from '../generated/prisma/enums.js';
import { AnalyticsRepository, BookingRow, RevenueBucket, WorkspaceRow } from './analytics.repository.js';
import { OccupancyDayDto, OccupancyDto, RevenueBucketDto, RevenueDto, SummaryDto } from './dto/analytics.dto.js';
import { OccupancyDay, occupancyDays, localDayWindows, round, WorkspaceCalendar } from './occupancy.js';
import { ReportRange, reportRange } from './report-range.js';
import { ReadModelInconsistentError } from './reports.errors.js';

/** Occupancy is computed this many local days of one workspace at a time. */
const OCCUPANCY_WINDOW_DAYS = 31;

/**
 * The reports, answered from the read model alone. Lists come as async pages of at most the
 * batch size, so a stored report of any length is written without holding it in memory; the
 * live endpoints (bounded by REPORT_MAX_RANGE_DAYS) collect the same pages.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly analytics: AnalyticsRepository,
    private readonly config: ReportingServiceConfig,
  ) {}

  /** The range of a live report request, within REPORT_MAX_RANGE_DAYS. */
  liveRange(query: { from: string; to: string }): ReportRange {
    return reportRange(query.from, query.to, this.config.REPORT_MAX_RANGE_DAYS, 'REPORT_MAX_RANGE_DAYS');
  }

  async summary(range: ReportRange): Promise<SummaryDto> {
    const [counts, money] = await Promise.all([this.analytics.bookingCounts(range), this.analytics.moneyTotals(range)]);
    const bookings = Object.fromEntries(Object.values(ReportBookingStatus).map((s) => [s, 0])) as Record<
      ReportBookingStatus,
      number
    >;
    let deletedBookings = 0;
    for (const c of counts) {
      if (c.deleted) deletedBookings += c.count;
      else bookings[c.status] += c.count;
    }
    const decided = bookings.CONFIRMED + bookings.CANCELLED;
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      bookings,
      deletedBookings,
      revenue: money.map((m) => ({ ...m, netCents: m.capturedCents - m.refundedCents })),
      cancellationRate: decided === 0 ? null : round(bookings.CANCELLED / decided, 4),
    };
  }

  async occupancy(range: ReportRange, workspaceId?: string): Promise<OccupancyDto> {
    const items: OccupancyDayDto[] = [];
    for await (const page of this.occupancyPages(range, workspaceId)) items.push(...page.map(occupancyDayDto));
    return { from: range.from.toISOString(), to: range.to.toISOString(), items };
  }

  /** Per workspace (by name), per local day: a page per workspace and window of local days. */
  async *occupancyPages(range: ReportRange, workspaceId?: string): AsyncGenerator<OccupancyDay[]> {
    let after: { name: string; workspaceId: string } | undefined;
    for (;;) {
      const workspaces = await this.analytics.workspaces(this.config.REPORT_BATCH_SIZE, workspaceId, after);
      for (const row of workspaces) {
        const workspace = calendarOf(row);
        for (const window of localDayWindows(workspace.timezone, range.from, range.to, OCCUPANCY_WINDOW_DAYS)) {
          const booked = await this.analytics.confirmedIntervals(workspace.id, window.start, window.end);
          yield occupancyDays(workspace, window.start, window.end, booked);
        }
      }
      if (workspaces.length < this.config.REPORT_BATCH_SIZE) return;
      const last = workspaces[workspaces.length - 1]!;
      after = { name: last.name, workspaceId: last.workspaceId };
    }
  }

  async revenue(range: ReportRange, groupBy: RevenuePeriod): Promise<RevenueDto> {
    const items: RevenueBucketDto[] = [];
    for await (const page of this.revenuePages(range, groupBy)) items.push(...page.map(revenueBucketDto));
    return { from: range.from.toISOString(), to: range.to.toISOString(), groupBy, items };
  }

  async *revenuePages(range: ReportRange, groupBy: RevenuePeriod): AsyncGenerator<RevenueBucket[]> {
    let after: { periodStart: Date; currency: string } | undefined;
    for (;;) {
      const page = await this.analytics.revenueBuckets(range, groupBy, this.config.REPORT_BATCH_SIZE, after);
      if (page.length > 0) yield page;
      if (page.length < this.config.REPORT_BATCH_SIZE) return;
      const last = page[page.length - 1]!;
      after = { periodStart: last.periodStart, currency: last.currency };
    }
  }

  /** Bookings starting in the range, by start time, REPORT_BATCH_SIZE rows per query (keyset). */
  async *bookingPages(range: ReportRange, workspaceId?: string): AsyncGenerator<BookingRow[]> {
    let after: { startTime: Date; bookingId: string } | undefined;
    for (;;) {
      const page = await this.analytics.bookings(range, this.config.REPORT_BATCH_SIZE, workspaceId, after);
      if (page.length > 0) yield page;
      if (page.length < this.config.REPORT_BATCH_SIZE) return;
      const last = page[page.length - 1]!;
      after = { startTime: last.startTime, bookingId: last.bookingId };
    }
  }
}

export function occupancyDayDto(day: OccupancyDay): OccupancyDayDto {
  return { ...day, start: day.start.toISOString(), end: day.end.toISOString() };
}

export function revenueBucketDto(bucket: RevenueBucket): RevenueBucketDto {
  return {
    periodStart: bucket.periodStart.toISOString(),
    currency: bucket.currency,
    capturedCents: bucket.capturedCents,
    refundedCents: bucket.refundedCents,
    netCents: bucket.capturedCents - bucket.refundedCents,
  };
}

/** A stored workspace as occupancy reads it; the consumer validated it on the way in, so a bad one is a bug. */
function calendarOf(row: WorkspaceRow): WorkspaceCalendar {
  if (!isValidTimeZone(row.timezone)) {
    throw new ReadModelInconsistentError(`workspace ${row.workspaceId} has an invalid time zone`);
  }
  const hours = row.openingHours;
  if (hours !== null && (!Array.isArray(hours) || openingHoursViolations(hours as OpeningRange[]).length > 0)) {
    throw new ReadModelInconsistentError(`workspace ${row.workspaceId} has malformed opening hours`);
  }
  return { id: row.workspaceId, name: row.name, timezone: row.timezone, openingHours: hours as OpeningRange[] | null };
}
