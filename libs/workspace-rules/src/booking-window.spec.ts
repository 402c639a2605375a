import { checkBookingRules, priceForRange, WorkspaceRules } from './booking-window.js';

const rules = (overrides: Partial<WorkspaceRules> = {}): WorkspaceRules => ({
  active: true,
  capacity: 4,
  timezone: 'Europe/Berlin',
  openingHours: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, open: '08:00', close: '20:00' })),
  minBookingMinutes: 30,
  maxBookingMinutes: 480,
  hourlyRateCents: 1000,
  currency: 'EUR',
  ...overrides,
});
const monday = (from: string, to: string) => ({
  start: new Date(`2026-01-05T${from}:00Z`),
  end: new Date(`2026-01-05T${to}:00Z`),
});

describe('booking rules', () => {
  it('accepts a request that fits every rule', () => {
    expect(checkBookingRules(rules(), { ...monday('09:00', '10:00'), attendees: 4 })).toBeUndefined();
  });

  it.each([
    ['an inactive workspace', rules({ active: false }), 1, ['09:00', '10:00'], 'WORKSPACE_INACTIVE'],
    ['more attendees than capacity', rules(), 5, ['09:00', '10:00'], 'CAPACITY_EXCEEDED'],
    ['less than the minimum duration', rules(), 1, ['09:00', '09:15'], 'DURATION_TOO_SHORT'],
    ['more than the maximum duration', rules(), 1, ['07:00', '15:30'], 'DURATION_TOO_LONG'],
    ['a start before opening (08:00 Berlin is 07:00Z)', rules(), 1, ['06:30', '08:00'], 'OUTSIDE_OPENING_HOURS'],
  ] as const)('refuses %s', (_, r, attendees, [from, to], code) => {
    expect(checkBookingRules(r, { ...monday(from, to), attendees })?.code).toBe(code);
  });
});

describe('pricing', () => {
  it('charges pro rata by the minute', () => {
    expect(priceForRange(1000, new Date('2026-01-05T09:00:00Z'), new Date('2026-01-05T10:30:00Z'))).toBe(1500);
  });

  it('rounds half-up to the minor unit', () => {
    // 1 minute at 30 cents/hour = 0.5 cent -> 1; at 29 cents/hour = 0.483 -> 0
    expect(priceForRange(30, new Date('2026-01-05T09:00:00Z'), new Date('2026-01-05T09:01:00Z'))).toBe(1);
    expect(priceForRange(29, new Date('2026-01-05T09:00:00Z'), new Date('2026-01-05T09:01:00Z'))).toBe(0);
    // 7 minutes at 1999/hour = 233.216... -> 233
    expect(priceForRange(1999, new Date('2026-01-05T09:00:00Z'), new Date('2026-01-05T09:07:00Z'))).toBe(233);
  });

  it('stays exact for a week at a large rate', () => {
    const week = priceForRange(99_999_999, new Date('2026-01-05T00:00:00Z'), new Date('2026-01-12T00:00:00Z'));
    expect(week).toBe(99_999_999 * 168);
  });
});
