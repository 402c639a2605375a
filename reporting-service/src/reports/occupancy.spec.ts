import type { Interval } from '@cowork/workspace-rules';
import { localDayWindows, occupancyDays, WorkspaceCalendar } from './occupancy.js';

const weekdays = (open: string, close: string) => [1, 2, 3, 4, 5].map((day) => ({ day: day as 1, open, close }));
const berlin = (openingHours: WorkspaceCalendar['openingHours']): WorkspaceCalendar => ({
  id: 'w-1',
  name: 'Room',
  timezone: 'Europe/Berlin',
  openingHours,
});
const at = (text: string) => new Date(text);
const span = (start: string, end: string): Interval => ({ start: at(start), end: at(end) });
const figures = (days: ReturnType<typeof occupancyDays>) =>
  days.map((d) => [d.date, d.openMinutes, d.bookedMinutes, d.occupancy]);

describe('occupancyDays', () => {
  it('divides booked by open minutes per local day: 2 h of 09:00-17:00 is 0.25', () => {
    const days = occupancyDays(
      berlin(weekdays('09:00', '17:00')),
      at('2031-01-05T23:00:00Z'),
      at('2031-01-06T23:00:00Z'),
      [span('2031-01-06T09:00:00Z', '2031-01-06T11:00:00Z')],
    );
    expect(days).toEqual([
      {
        workspaceId: 'w-1',
        workspaceName: 'Room',
        timezone: 'Europe/Berlin',
        date: '2031-01-06',
        start: at('2031-01-05T23:00:00Z'),
        end: at('2031-01-06T23:00:00Z'),
        openMinutes: 480,
        bookedMinutes: 120,
        occupancy: 0.25,
      },
    ]);
  });

  it('has 23 and 25 hour days at the DST changes when open at all times', () => {
    expect(figures(occupancyDays(berlin(null), at('2031-03-29T23:00:00Z'), at('2031-03-31T22:00:00Z'), []))).toEqual([
      ['2031-03-30', 1380, 0, 0],
      ['2031-03-31', 1440, 0, 0],
    ]);
    expect(figures(occupancyDays(berlin(null), at('2031-10-25T22:00:00Z'), at('2031-10-26T23:00:00Z'), []))).toEqual([
      ['2031-10-26', 1500, 0, 0],
    ]);
  });

  it('keeps local opening hours across DST: 09:00-17:00 is 480 minutes on both sides', () => {
    const hours = [{ day: 7 as const, open: '09:00', close: '17:00' }];
    const days = occupancyDays(berlin(hours), at('2031-03-29T23:00:00Z'), at('2031-03-30T22:00:00Z'), [
      span('2031-03-30T07:00:00Z', '2031-03-30T08:00:00Z'), // 09:00-10:00 CEST
    ]);
    expect(figures(days)).toEqual([['2031-03-30', 480, 60, 0.125]]);
  });

  it('counts overlapping bookings once and nothing outside opening hours', () => {
    const days = occupancyDays(
      berlin(weekdays('09:00', '17:00')),
      at('2031-01-05T23:00:00Z'),
      at('2031-01-06T23:00:00Z'),
      [
        span('2031-01-06T07:00:00Z', '2031-01-06T09:00:00Z'), // 08:00-10:00: one hour inside
        span('2031-01-06T08:30:00Z', '2031-01-06T09:30:00Z'), // overlaps the first
        span('2031-01-06T17:00:00Z', '2031-01-06T19:00:00Z'), // 18:00-20:00: closed
      ],
    );
    expect(figures(days)).toEqual([['2031-01-06', 480, 90, 0.1875]]);
  });

  it('gives a closed day 0 open minutes and a null occupancy', () => {
    expect(
      figures(
        occupancyDays(berlin(weekdays('09:00', '17:00')), at('2031-01-03T23:00:00Z'), at('2031-01-04T23:00:00Z'), []),
      ),
    ).toEqual([['2031-01-04', 0, 0, null]]);
  });

  it('clips the first and last day to the range and lists each local day it touches', () => {
    const days = occupancyDays(berlin(null), at('2031-01-06T12:00:00Z'), at('2031-01-07T06:00:00Z'), [
      span('2031-01-06T21:00:00Z', '2031-01-07T01:00:00Z'), // across local midnight
    ]);
    expect(
      days.map((d) => [d.date, d.start.toISOString(), d.end.toISOString(), d.openMinutes, d.bookedMinutes]),
    ).toEqual([
      ['2031-01-06', '2031-01-06T12:00:00.000Z', '2031-01-06T23:00:00.000Z', 660, 120],
      ['2031-01-07', '2031-01-06T23:00:00.000Z', '2031-01-07T06:00:00.000Z', 420, 120],
    ]);
  });
});

describe('localDayWindows', () => {
  it('cuts a range at local midnights into windows of at most N local days', () => {
    const windows = localDayWindows('Europe/Berlin', at('2031-01-01T12:00:00Z'), at('2031-01-10T12:00:00Z'), 4);
    expect(windows.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2031-01-01T12:00:00.000Z', '2031-01-04T23:00:00.000Z'],
      ['2031-01-04T23:00:00.000Z', '2031-01-08T23:00:00.000Z'],
      ['2031-01-08T23:00:00.000Z', '2031-01-10T12:00:00.000Z'],
    ]);
  });
});
