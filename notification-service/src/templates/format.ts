import type { OpeningHoursEntry } from '@cowork/booking-events';
import { IsoWeekday, openIntervals } from '@cowork/workspace-rules';
import { DateTime } from 'luxon';

/** Dates and money read the same in every notification: British English, e.g. "Mon 30 Nov 2026". */
const LOCALE = 'en-GB';

function local(instant: string, timeZone: string): DateTime {
  return DateTime.fromISO(instant, { zone: timeZone }).setLocale(LOCALE);
}

/** The local calendar day of an instant in a time zone: "Mon 30 Nov 2026". */
export function formatDay(instant: string, timeZone: string): string {
  return local(instant, timeZone).toFormat('ccc d LLL yyyy');
}

/**
 * A half-open booking range in the workspace's time zone, with the zone named:
 * "Mon 30 Nov 2026, 10:00–12:00 (Europe/Berlin)"; a range over midnight names both days; an end at
 * the next local midnight reads "24:00". Wall-clock times are right across daylight-saving changes.
 */
export function formatRange(startInstant: string, endInstant: string, timeZone: string): string {
  const start = local(startInstant, timeZone);
  const end = local(endInstant, timeZone);
  const zone = `(${timeZone})`;
  if (end.hasSame(start, 'day')) {
    return `${start.toFormat('ccc d LLL yyyy, HH:mm')}–${end.toFormat('HH:mm')} ${zone}`;
  }
  if (end.toMillis() === start.startOf('day').plus({ days: 1 }).toMillis()) {
    return `${start.toFormat('ccc d LLL yyyy, HH:mm')}–24:00 ${zone}`;
  }
  return `${start.toFormat('ccc d LLL yyyy, HH:mm')} – ${end.toFormat('ccc d LLL yyyy, HH:mm')} ${zone}`;
}

/**
 * The workspace's opening hours on the local day a booking starts ("08:00–12:00, 13:00–20:00"),
 * computed by the shared workspace rules in its time zone; undefined when it is open at all times.
 */
export function openingHoursOn(
  hours: OpeningHoursEntry[] | null | undefined,
  startInstant: string,
  timeZone: string,
): string | undefined {
  if (!hours) return undefined;
  const day = local(startInstant, timeZone).startOf('day');
  const next = day.plus({ days: 1 });
  const ranges = hours.map((h) => ({ ...h, day: h.day as IsoWeekday }));
  const intervals = openIntervals(ranges, timeZone, day.toJSDate(), next.toJSDate());
  if (intervals.length === 0) return 'closed';
  return intervals
    .map(({ start, end }) => {
      const from = DateTime.fromJSDate(start, { zone: timeZone }).toFormat('HH:mm');
      // open until the next local midnight reads "24:00", as opening hours are written
      const to =
        end.getTime() === next.toMillis() ? '24:00' : DateTime.fromJSDate(end, { zone: timeZone }).toFormat('HH:mm');
      return `${from}–${to}`;
    })
    .join(', ');
}

/**
 * Integer minor units as money in its currency: 5000 EUR is "€50.00", 5000 JPY is "JP¥5,000",
 * 1234 BHD is "BHD 1.234". The decimal is built from the integer as a string, so no floating
 * point touches the amount.
 */
export function formatMoney(minorUnits: number, currency: string): string {
  const { format, digits } = moneyFormat(currency);
  const padded = String(Math.abs(minorUnits)).padStart(digits + 1, '0');
  const decimal = digits === 0 ? padded : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  return format.format(`${minorUnits < 0 ? '-' : ''}${decimal}` as Intl.StringNumericLiteral);
}

/** One formatter per currency (building an Intl.NumberFormat costs more than using it; ISO 4217 keeps this small). */
const MONEY_FORMATS = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function moneyFormat(currency: string): { format: Intl.NumberFormat; digits: number } {
  let entry = MONEY_FORMATS.get(currency);
  if (!entry) {
    const format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    // an unknown code throws above and is never kept
    if (MONEY_FORMATS.size < 500) MONEY_FORMATS.set(currency, entry);
  }
  return entry;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to place in HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** One line of at most `max` characters: control characters and runs of white space become one space. */
export function oneLine(text: string, max: number): string {
  const flat = text
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .trim()
    .normalize('NFC');
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}
