import {
  isValidTimeZone,
  isWithinOpeningHours,
  OpeningRange,
  openingHoursViolations,
  openIntervals,
  subtractIntervals,
} from './opening-hours.js';

const at = (iso: string) => new Date(iso);
const everyDay = (open: string, close: string): OpeningRange[] =>
  ([1, 2, 3, 4, 5, 6, 7] as const).map((day) => ({ day, open, close }));
const iso = (intervals: { start: Date; end: Date }[]) =>
  intervals.map((i) => [i.start.toISOString(), i.end.toISOString()]);

describe('opening hours validation', () => {
  it('accepts several ranges a day and 24:00 as the end of the day', () => {
    expect(
      openingHoursViolations([
        { day: 1, open: '08:00', close: '12:00' },
        { day: 1, open: '13:00', close: '24:00' },
      ]),
    ).toEqual([]);
  });

  it('names the field when close is not after open', () => {
    expect(openingHoursViolations([{ day: 2, open: '18:00', close: '09:00' }])).toEqual([
      { field: 'openingHours[0].close', message: 'close (09:00) must be after open (18:00)' },
    ]);
  });

  it('names overlapping ranges of one day but allows the same hours on different days', () => {
    const violations = openingHoursViolations([
      { day: 3, open: '09:00', close: '12:00' },
      { day: 4, open: '09:00', close: '12:00' },
      { day: 3, open: '11:00', close: '14:00' },
    ]);
    expect(violations).toEqual([{ field: 'openingHours[2]', message: 'overlaps openingHours[0] on day 3' }]);
  });

  it('rejects malformed times and days', () => {
    const fields = openingHoursViolations([{ day: 8 as never, open: '9:00', close: '25:00' }]).map((v) => v.field);
    expect(fields).toEqual(['openingHours[0].day', 'openingHours[0].open', 'openingHours[0].close']);
    expect(openingHoursViolations([{ day: 1, open: '24:00', close: '24:00' }]).map((v) => v.field)).toEqual([
      'openingHours[0].open',
    ]);
  });
});

describe('time zones', () => {
  it('accepts IANA names and rejects offsets and inventions', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('+02:00')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('open intervals in the workspace time zone', () => {
  const berlin = everyDay('09:00', '17:00');

  it('places local hours at the right UTC instants in winter and in summer', () => {
    expect(iso(openIntervals(berlin, 'Europe/Berlin', at('2026-01-05T00:00:00Z'), at('2026-01-06T00:00:00Z')))).toEqual(
      [['2026-01-05T08:00:00.000Z', '2026-01-05T16:00:00.000Z']],
    );
    expect(iso(openIntervals(berlin, 'Europe/Berlin', at('2026-07-06T00:00:00Z'), at('2026-07-07T00:00:00Z')))).toEqual(
      [['2026-07-06T07:00:00.000Z', '2026-07-06T15:00:00.000Z']],
    );
  });

  it('keeps wall-clock hours across the spring change (last Sunday of March)', () => {
    // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; Saturday is UTC+1, Sunday UTC+2
    const days = openIntervals(berlin, 'Europe/Berlin', at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'));
    expect(iso(days)).toEqual([
      ['2026-03-28T08:00:00.000Z', '2026-03-28T16:00:00.000Z'],
      ['2026-03-29T07:00:00.000Z', '2026-03-29T15:00:00.000Z'],
    ]);
  });

  it('keeps wall-clock hours across the autumn change (last Sunday of October)', () => {
    const days = openIntervals(berlin, 'Europe/Berlin', at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'));
    expect(iso(days)).toEqual([
      ['2026-10-24T07:00:00.000Z', '2026-10-24T15:00:00.000Z'],
      ['2026-10-25T08:00:00.000Z', '2026-10-25T16:00:00.000Z'],
    ]);
  });

  it('makes a 24-hour workspace 23 hours long on the spring-change day and 25 on the autumn one', () => {
    const allDay = everyDay('00:00', '24:00');
    const spring = openIntervals(allDay, 'Europe/Berlin', at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'));
    expect(spring).toHaveLength(1);
    expect((spring[0]!.end.getTime() - spring[0]!.start.getTime()) / 3_600_000).toBe(23);
    // local midnight to midnight on 25 October is 25 real hours, and a booking may span all of it
    expect(isWithinOpeningHours(allDay, 'Europe/Berlin', at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(
      true,
    );
  });

  it('merges ranges that touch across midnight so overnight bookings fit', () => {
    const hours: OpeningRange[] = [
      { day: 5, open: '20:00', close: '24:00' },
      { day: 6, open: '00:00', close: '02:00' },
    ];
    // Friday 2026-01-09 20:00 to Saturday 02:00 in Berlin (UTC+1)
    expect(isWithinOpeningHours(hours, 'Europe/Berlin', at('2026-01-09T19:00:00Z'), at('2026-01-10T01:00:00Z'))).toBe(
      true,
    );
  });

  it('refuses a range that crosses a closed gap between two ranges of one day', () => {
    const hours: OpeningRange[] = [
      { day: 1, open: '08:00', close: '12:00' },
      { day: 1, open: '13:00', close: '17:00' },
    ];
    expect(isWithinOpeningHours(hours, 'UTC', at('2026-01-05T08:00:00Z'), at('2026-01-05T12:00:00Z'))).toBe(true);
    expect(isWithinOpeningHours(hours, 'UTC', at('2026-01-05T11:00:00Z'), at('2026-01-05T14:00:00Z'))).toBe(false);
  });

  it('treats a day without ranges as closed and no opening hours as always open', () => {
    const weekdays = ([1, 2, 3, 4, 5] as const).map((day) => ({ day, open: '09:00', close: '17:00' }));
    // 2026-01-10 is a Saturday
    expect(openIntervals(weekdays, 'UTC', at('2026-01-10T00:00:00Z'), at('2026-01-11T00:00:00Z'))).toEqual([]);
    expect(isWithinOpeningHours(null, 'UTC', at('2026-01-10T03:00:00Z'), at('2026-01-10T04:00:00Z'))).toBe(true);
  });

  it('respects the booking range boundaries: a booking ending at closing time fits', () => {
    expect(isWithinOpeningHours(berlin, 'Europe/Berlin', at('2026-01-05T15:00:00Z'), at('2026-01-05T16:00:00Z'))).toBe(
      true,
    );
    expect(isWithinOpeningHours(berlin, 'Europe/Berlin', at('2026-01-05T15:00:00Z'), at('2026-01-05T16:01:00Z'))).toBe(
      false,
    );
  });
});

describe('free intervals', () => {
  it('subtracts busy intervals, keeping back-to-back gaps exact', () => {
    const base = [{ start: at('2026-01-05T08:00:00Z'), end: at('2026-01-05T16:00:00Z') }];
    const busy = [
      { start: at('2026-01-05T10:00:00Z'), end: at('2026-01-05T11:00:00Z') },
      { start: at('2026-01-05T11:00:00Z'), end: at('2026-01-05T12:00:00Z') },
      { start: at('2026-01-05T15:30:00Z'), end: at('2026-01-05T17:00:00Z') },
    ];
    expect(iso(subtractIntervals(base, busy))).toEqual([
      ['2026-01-05T08:00:00.000Z', '2026-01-05T10:00:00.000Z'],
      ['2026-01-05T12:00:00.000Z', '2026-01-05T15:30:00.000Z'],
    ]);
  });
});
