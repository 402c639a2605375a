import { stringify } from 'csv-stringify/sync';
import type { ReportFormat, ReportType, RevenuePeriod } from '../generated/prisma/enums.js';
import type { BookingRow, RevenueBucket } from './analytics.repository.js';
import { AnalyticsService, occupancyDayDto, revenueBucketDto } from './analytics.service.js';
import type { SummaryDto } from './dto/analytics.dto.js';
import type { OccupancyDay } from './occupancy.js';
import type { ReportRange } from './report-range.js';

/** What to generate. */
export interface ReportRequest {
  id: string;
  type: ReportType;
  format: ReportFormat;
  range: ReportRange;
  groupBy: RevenuePeriod | null;
  workspaceId: string | null;
}

/** Where output goes, a piece at a time (ChunkSink: ~64 KiB chunks in the database). */
export interface ReportSink {
  write(text: string): Promise<void>;
}

type Cell = string | number | Date | null;

/** One list report: its CSV columns and its JSON items, from the rows the read model gives. */
interface Table<Row> {
  columns: { header: string; cell: (row: Row) => Cell }[];
  item: (row: Row) => object;
}

const BOOKINGS: Table<BookingRow> = {
  columns: [
    { header: 'booking_id', cell: (r) => r.bookingId },
    { header: 'user_id', cell: (r) => r.userId },
    { header: 'workspace_id', cell: (r) => r.workspaceId },
    { header: 'workspace_name', cell: (r) => r.workspaceName },
    { header: 'status', cell: (r) => r.status },
    { header: 'start_time', cell: (r) => r.startTime },
    { header: 'end_time', cell: (r) => r.endTime },
    { header: 'attendees', cell: (r) => r.attendees },
    { header: 'price_cents', cell: (r) => r.priceCents },
    { header: 'currency', cell: (r) => r.currency },
    { header: 'paid_cents', cell: (r) => r.paidCents },
    { header: 'created_at', cell: (r) => r.bookingCreatedAt },
    { header: 'confirmed_at', cell: (r) => r.confirmedAt },
    { header: 'cancelled_at', cell: (r) => r.cancelledAt },
    { header: 'deleted_at', cell: (r) => r.deletedAt },
  ],
  item: (r) => ({
    bookingId: r.bookingId,
    userId: r.userId,
    workspaceId: r.workspaceId,
    workspaceName: r.workspaceName,
    status: r.status,
    startTime: r.startTime.toISOString(),
    endTime: r.endTime.toISOString(),
    attendees: r.attendees,
    priceCents: r.priceCents,
    currency: r.currency,
    paidCents: r.paidCents,
    createdAt: r.bookingCreatedAt.toISOString(),
    confirmedAt: r.confirmedAt?.toISOString() ?? null,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
    deletedAt: r.deletedAt?.toISOString() ?? null,
  }),
};

const OCCUPANCY: Table<OccupancyDay> = {
  columns: [
    { header: 'workspace_id', cell: (d) => d.workspaceId },
    { header: 'workspace_name', cell: (d) => d.workspaceName },
    { header: 'timezone', cell: (d) => d.timezone },
    { header: 'date', cell: (d) => d.date },
    { header: 'start', cell: (d) => d.start },
    { header: 'end', cell: (d) => d.end },
    { header: 'open_minutes', cell: (d) => d.openMinutes },
    { header: 'booked_minutes', cell: (d) => d.bookedMinutes },
    { header: 'occupancy', cell: (d) => d.occupancy },
  ],
  item: occupancyDayDto,
};

const REVENUE: Table<RevenueBucket> = {
  columns: [
    { header: 'period_start', cell: (b) => b.periodStart },
    { header: 'currency', cell: (b) => b.currency },
    { header: 'captured_cents', cell: (b) => b.capturedCents },
    { header: 'refunded_cents', cell: (b) => b.refundedCents },
    { header: 'net_cents', cell: (b) => b.capturedCents - b.refundedCents },
  ],
  item: revenueBucketDto,
};

/**
 * Writes a report through `sink`, reading the read model a page at a time; `checkpoint` runs
 * between pages (the generator renews its lease there and stops if asked to). Returns the
 * number of data rows: CSV lines after the header, JSON items (a summary is 1 in JSON).
 */
export async function writeReport(
  request: ReportRequest,
  analytics: AnalyticsService,
  sink: ReportSink,
  checkpoint: () => Promise<void>,
): Promise<number> {
  const { range } = request;
  const workspaceId = request.workspaceId ?? undefined;
  const header = {
    type: request.type,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    ...(request.groupBy ? { groupBy: request.groupBy } : {}),
    ...(request.workspaceId ? { workspaceId: request.workspaceId } : {}),
    generatedAt: new Date().toISOString(),
  };
  switch (request.type) {
    case 'summary':
      return writeSummary(await analytics.summary(range), request.format, header, sink);
    case 'bookings':
      return writeTable(BOOKINGS, analytics.bookingPages(range, workspaceId), request.format, header, sink, checkpoint);
    case 'occupancy':
      return writeTable(
        OCCUPANCY,
        analytics.occupancyPages(range, workspaceId),
        request.format,
        header,
        sink,
        checkpoint,
      );
    case 'revenue':
      return writeTable(
        REVENUE,
        analytics.revenuePages(range, request.groupBy ?? 'day'),
        request.format,
        header,
        sink,
        checkpoint,
      );
  }
}

async function writeTable<Row>(
  table: Table<Row>,
  pages: AsyncIterable<Row[]>,
  format: ReportFormat,
  header: object,
  sink: ReportSink,
  checkpoint: () => Promise<void>,
): Promise<number> {
  let rows = 0;
  if (format === 'csv') await sink.write(csvLine(table.columns.map((c) => c.header)));
  else await sink.write(`${JSON.stringify(header).slice(0, -1)},"items":[`);
  for await (const page of pages) {
    await checkpoint();
    for (const row of page) {
      if (format === 'csv') await sink.write(csvLine(table.columns.map((c) => c.cell(row))));
      else await sink.write(`${rows > 0 ? ',' : ''}${JSON.stringify(table.item(row))}`);
      rows++;
    }
  }
  if (format === 'json') await sink.write(']}');
  return rows;
}

async function writeSummary(summary: SummaryDto, format: ReportFormat, header: object, sink: ReportSink) {
  if (format === 'json') {
    const { from: _from, to: _to, ...figures } = summary;
    await sink.write(JSON.stringify({ ...header, ...figures }));
    return 1;
  }
  const lines: Cell[][] = [
    ...Object.entries(summary.bookings).map(([status, n]): Cell[] => [`bookings_${status.toLowerCase()}`, null, n]),
    ['bookings_deleted', null, summary.deletedBookings],
    ['cancellation_rate', null, summary.cancellationRate],
    ...summary.revenue.flatMap((r): Cell[][] => [
      ['captured_cents', r.currency, r.capturedCents],
      ['refunded_cents', r.currency, r.refundedCents],
      ['net_cents', r.currency, r.netCents],
    ]),
  ];
  await sink.write(csvLine(['metric', 'currency', 'value']));
  for (const line of lines) await sink.write(csvLine(line));
  return lines.length;
}

/**
 * One CSV record, quoted as needed (commas, quotes, line breaks). Text that a spreadsheet
 * would run as a formula (starting with = + - @, or a tab or carriage return) is prefixed
 * with a single quote (OWASP CSV injection); numbers are left as numbers.
 */
export function csvLine(cells: Cell[]): string {
  return stringify([cells.map(csvCell)]);
}

function csvCell(cell: Cell): string | number | null {
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell)) return `'${cell}`;
  return cell;
}
