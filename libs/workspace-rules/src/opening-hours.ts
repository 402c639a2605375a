import { DateTime, IANAZone } from 'luxon';

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One opening range on one weekday, in the workspace's local time; `close` may be "24:00". */
export interface OpeningRange {
  day: IsoWeekday;
  open: string;
  close: string;
}

/** Half-open UTC interval [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

export interface RuleViolation {
  field: string;
  message: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** An IANA zone name such as "Europe/Berlin" (or "UTC"); offsets like "+02:00" are not zones. */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
  return zone === 'UTC' || (/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(zone) && IANAZone.isValidZone(zone));
}

/** Minutes after local midnight; "24:00" is 1440 (end of day). undefined when malformed. */
export function minutesOfDay(value: string, allowEndOfDay: boolean): number | undefined {
  if (allowEndOfDay && value === '24:00') return 1440;
  const m = HH_MM.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * Everything wrong with a list of opening ranges, each naming its field
 * (`openingHours[2].close`): malformed times, close not after open, overlaps on one day.
 */
export function openingHoursViolations(hours: OpeningRange[], field = 'openingHours'): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const parsed: { index: number; day: number; open: number; close: number }[] = [];
  hours.forEach((range, index) => {
    const at = `${field}[${index}]`;
    if (!Number.isInteger(range.day) || range.day < 1 || range.day > 7) {
      violations.push({ field: `${at}.day`, message: 'day must be an ISO weekday from 1 (Monday) to 7 (Sunday)' });
    }
    const open = minutesOfDay(range.open, false);
    const close = minutesOfDay(range.close, true);
    if (open === undefined)
      violations.push({ field: `${at}.open`, message: 'open must be a local time "HH:MM" from 00:00 to 23:59' });
    if (close === undefined)
      violations.push({ field: `${at}.close`, message: 'close must be a local time "HH:MM" from 00:01 to 24:00' });
    if (open !== undefined && close !== undefined) {
      if (close <= open)
        violations.push({ field: `${at}.close`, message: `close (${range.close}) must be after open (${range.open})` });
      else parsed.push({ index, day: range.day, open, close });
    }
  });
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i]!;
      const b = parsed[j]!;
      if (a.day === b.day && a.open < b.close && b.open < a.close) {
        violations.push({
          field: `${field}[${b.index}]`,
          message: `overlaps ${field}[${a.index}] on day ${a.day}`,
        });
      }
    }
  }
  return violations;
}

/**
 * The times a workspace is open within [from, to), as merged UTC intervals. Each local day's
 * ranges are placed in the workspace's time zone for that date, so a range keeps its local
 * wall-clock times across daylight-saving changes (a day may have 23 or 25 hours). Ranges that
 * touch across midnight merge. `null` hours mean open at all times.
 */
export function openIntervals(hours: OpeningRange[] | null, timeZone: string, from: Date, to: Date): Interval[] {
  if (to <= from) return [];
  if (!hours) return [{ start: from, end: to }];
  const byDay = new Map<number, OpeningRange[]>();
  for (const range of hours) byDay.set(range.day, [...(byDay.get(range.day) ?? []), range]);

  const raw: Interval[] = [];
  let day = DateTime.fromJSDate(from, { zone: timeZone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone: timeZone }).startOf('day').plus({ days: 1 });
  while (day <= last) {
    for (const range of byDay.get(day.weekday) ?? []) {
      const start = atLocalMinute(day, minutesOfDay(range.open, false)!);
      const end = atLocalMinute(day, minutesOfDay(range.close, true)!);
      if (end > start) raw.push({ start, end });
    }
    day = day.plus({ days: 1 });
  }
  return clip(merge(raw), from, to);
}

/** Whether [start, end) lies inside one continuous opening interval. */
export function isWithinOpeningHours(hours: OpeningRange[] | null, timeZone: string, start: Date, end: Date): boolean {
  return openIntervals(hours, timeZone, start, end).some(
    (i) => i.start.getTime() === start.getTime() && i.end.getTime() === end.getTime(),
  );
}

/** base minus busy: what is left of the base intervals once the busy ones are taken out. */
export function subtractIntervals(base: Interval[], busy: Interval[]): Interval[] {
  const taken = merge(busy);
  const free: Interval[] = [];
  for (const interval of base) {
    let cursor = interval.start.getTime();
    const end = interval.end.getTime();
    for (const b of taken) {
      const bs = b.start.getTime();
      const be = b.end.getTime();
      if (be <= cursor || bs >= end) continue;
      if (bs > cursor) free.push({ start: new Date(cursor), end: new Date(bs) });
      cursor = Math.max(cursor, be);
      if (cursor >= end) break;
    }
    if (cursor < end) free.push({ start: new Date(cursor), end: new Date(end) });
  }
  return free;
}

function atLocalMinute(day: DateTime, minutes: number): Date {
  // "24:00" is the next day's midnight; a time inside a spring-forward gap moves forward, as luxon does
  const base = minutes === 1440 ? day.plus({ days: 1 }) : day;
  const m = minutes === 1440 ? 0 : minutes;
  return DateTime.fromObject(
    { year: base.year, month: base.month, day: base.day, hour: Math.floor(m / 60), minute: m % 60 },
    { zone: day.zone },
  ).toJSDate();
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last && i.start.getTime() <= last.end.getTime()) {
      if (i.end > last.end) last.end = i.end;
    } else {
      merged.push({ start: i.start, end: i.end });
    }
  }
  return merged;
}

function clip(intervals: Interval[], from: Date, to: Date): Interval[] {
  return intervals
    .map((i) => ({ start: i.start < from ? from : i.start, end: i.end > to ? to : i.end }))
    .filter((i) => i.end > i.start);
}
