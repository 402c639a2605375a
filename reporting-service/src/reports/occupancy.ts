import { Interval, OpeningRange, openIntervals, subtractIntervals } from '@cowork/workspace-rules';
import { DateTime } from 'luxon';

/** A workspace as the read model knows it. */
export interface WorkspaceCalendar {
  id: string;
  name: string;
  timezone: string;
  /** null: open at all times */
  openingHours: OpeningRange[] | null;
}

/** One local day of one workspace, clipped to the report's range. */
export interface OccupancyDay {
  workspaceId: string;
  workspaceName: string;
  timezone: string;
  /** the local date, YYYY-MM-DD, in the workspace's time zone */
  date: string;
  /** the part of that local day inside the range: [start, end) */
  start: Date;
  end: Date;
  openMinutes: number;
  bookedMinutes: number;
  /** bookedMinutes / openMinutes to 4 decimals; null when the workspace is closed all of it */
  occupancy: number | null;
}

const MINUTE_MS = 60_000;

/**
 * The local days of `workspace` that intersect [from, to), each clipped to it: how long it was
 * open (its opening hours placed in its own time zone for that date, so a DST day has 23 or 25
 * hours when it is open all day) and how much of that the `booked` intervals cover. Booked time
 * outside opening hours does not count, and overlapping bookings count once.
 */
export function occupancyDays(
  workspace: WorkspaceCalendar,
  from: Date,
  to: Date,
  booked: readonly Interval[],
): OccupancyDay[] {
  const days: OccupancyDay[] = [];
  const sorted = [...booked].sort((a, b) => a.start.getTime() - b.start.getTime());
  let first = 0;
  for (let day = localMidnight(from, workspace.timezone); day.toJSDate() < to; day = day.plus({ days: 1 })) {
    const start = maxDate(day.toJSDate(), from);
    const end = minDate(day.plus({ days: 1 }).toJSDate(), to);
    if (end <= start) continue;
    const open = openIntervals(workspace.openingHours, workspace.timezone, start, end);
    // bookings wholly before this day are before every later day too
    while (first < sorted.length && sorted[first]!.end <= start) first++;
    const today: Interval[] = [];
    for (let i = first; i < sorted.length && sorted[i]!.start < end; i++) {
      if (sorted[i]!.end > start) today.push(sorted[i]!);
    }
    const openMs = totalMs(open);
    const bookedMs = openMs - totalMs(subtractIntervals(open, today));
    days.push({
      workspaceId: workspace.id,
      workspaceName: workspace.name,
      timezone: workspace.timezone,
      date: day.toISODate()!,
      start,
      end,
      openMinutes: round(openMs / MINUTE_MS, 2),
      bookedMinutes: round(bookedMs / MINUTE_MS, 2),
      occupancy: openMs > 0 ? round(bookedMs / openMs, 4) : null,
    });
  }
  return days;
}

/**
 * [from, to) cut at local midnights of `timeZone` into windows of at most `days` local days, so
 * a long range can be computed a window at a time without splitting a day between two windows.
 */
export function localDayWindows(timeZone: string, from: Date, to: Date, days: number): Interval[] {
  const windows: Interval[] = [];
  let start = from;
  while (start < to) {
    const next = localMidnight(start, timeZone).plus({ days }).toJSDate();
    const end = minDate(next, to);
    windows.push({ start, end });
    start = end;
  }
  return windows;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function localMidnight(instant: Date, timeZone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone: timeZone }).startOf('day');
}

function totalMs(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + (i.end.getTime() - i.start.getTime()), 0);
}

const maxDate = (a: Date, b: Date) => (a > b ? a : b);
const minDate = (a: Date, b: Date) => (a < b ? a : b);
