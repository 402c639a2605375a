import { randomUUID } from 'node:crypto';
import {
  Booking,
  BookingHarness,
  DST_YEAR,
  everyDay,
  expectProblem,
  lastSunday,
  range,
  slot,
} from './support/booking-app.js';

/** The day before an ISO date (YYYY-MM-DD). */
const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
/** A Monday in January of next year (winter time in Berlin: UTC+1). */
const JANUARY_MONDAY = (() => {
  const d = new Date(Date.UTC(DST_YEAR, 0, 4));
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
  return d.toISOString().slice(0, 10);
})();

/**
 * Create validates through user-service and workspace-service: each rule refuses with its own
 * code and leaves nothing behind; opening hours are read in the workspace's time zone, across
 * the daylight-saving changes too.
 */
describe('booking rules on create (integration)', () => {
  let h: BookingHarness;
  let member: { token: string; user: { id: string } };

  beforeAll(async () => {
    h = await BookingHarness.start();
    member = await h.member();
  });
  afterAll(async () => {
    await h?.close();
  });

  const rowsFor = (workspaceId: string) => h.prisma.booking.count({ where: { workspaceId } });
  const eventsFor = (workspaceId: string) =>
    h.prisma.outboxEvent.count({ where: { payload: { path: ['booking', 'workspaceId'], equals: workspaceId } } });

  describe('each rule has its own code and writes nothing', () => {
    it.each<[string, number, string, () => Promise<{ token: string; body: Record<string, unknown> }>]>([
      [
        'an inactive workspace',
        422,
        'WORKSPACE_INACTIVE',
        async () => ({ token: member.token, body: { workspaceId: h.workspace({ active: false }).id, ...slot(24) } }),
      ],
      [
        'more attendees than seats',
        422,
        'CAPACITY_EXCEEDED',
        async () => ({
          token: member.token,
          body: { workspaceId: h.workspace({ capacity: 4 }).id, attendees: 5, ...slot(24) },
        }),
      ],
      [
        'a booking shorter than the minimum',
        422,
        'DURATION_TOO_SHORT',
        async () => ({
          token: member.token,
          body: { workspaceId: h.workspace({ minBookingMinutes: 30 }).id, ...range(slot(24).startTime, 29) },
        }),
      ],
      [
        'a booking longer than the maximum',
        422,
        'DURATION_TOO_LONG',
        async () => ({
          token: member.token,
          body: { workspaceId: h.workspace({ maxBookingMinutes: 120 }).id, ...range(slot(24).startTime, 121) },
        }),
      ],
      [
        'a booking outside opening hours (a Saturday at a weekday workspace)',
        422,
        'OUTSIDE_OPENING_HOURS',
        async () => ({
          token: member.token,
          body: {
            workspaceId: h.workspace({
              openingHours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '20:00' })),
            }).id,
            // Monday + 5 days = Saturday, 10:00 Berlin
            ...range(new Date(Date.parse(`${JANUARY_MONDAY}T09:00:00Z`) + 5 * 86_400_000).toISOString(), 60),
          },
        }),
      ],
      [
        'a start in the past',
        422,
        'START_IN_PAST',
        async () => ({ token: member.token, body: { workspaceId: h.workspace().id, ...slot(-2) } }),
      ],
      [
        'an end before the start',
        400,
        'INVALID_TIME_RANGE',
        async () => {
          const s = slot(24);
          return {
            token: member.token,
            body: { workspaceId: h.workspace().id, startTime: s.endTime, endTime: s.startTime },
          };
        },
      ],
      [
        'an end equal to the start',
        400,
        'INVALID_TIME_RANGE',
        async () => {
          const s = slot(24);
          return {
            token: member.token,
            body: { workspaceId: h.workspace().id, startTime: s.startTime, endTime: s.startTime },
          };
        },
      ],
      [
        'a suspended user',
        403,
        'USER_SUSPENDED',
        async () => ({
          token: (await h.member({ status: 'SUSPENDED' })).token,
          body: { workspaceId: h.workspace().id, ...slot(24) },
        }),
      ],
      [
        'a user unknown to user-service',
        404,
        'USER_NOT_FOUND',
        async () => ({
          token: await h.tokens.user(randomUUID(), 'MEMBER'),
          body: { workspaceId: h.workspace().id, ...slot(24) },
        }),
      ],
      [
        'a workspace unknown to workspace-service',
        404,
        'WORKSPACE_NOT_FOUND',
        async () => ({ token: member.token, body: { workspaceId: randomUUID(), ...slot(24) } }),
      ],
      [
        'a member booking for someone else',
        403,
        'FORBIDDEN',
        async () => ({
          token: member.token,
          body: { workspaceId: h.workspace().id, userId: h.downstreams.user().id, ...slot(24) },
        }),
      ],
      [
        'an admin booking for a suspended user',
        403,
        'USER_SUSPENDED',
        async () => ({
          token: (await h.admin()).token,
          body: { workspaceId: h.workspace().id, userId: h.downstreams.user({ status: 'SUSPENDED' }).id, ...slot(24) },
        }),
      ],
      [
        'an admin booking for an unknown user',
        404,
        'USER_NOT_FOUND',
        async () => ({
          token: (await h.admin()).token,
          body: { workspaceId: h.workspace().id, userId: randomUUID(), ...slot(24) },
        }),
      ],
    ])('refuses %s with %i %s, writing no booking and no event', async (_what, status, code, arrange) => {
      const { token, body } = await arrange();
      const res = await h.book(token, body);
      expectProblem(res, status, code);
      expect(await rowsFor(body.workspaceId as string)).toBe(0);
      expect(await eventsFor(body.workspaceId as string)).toBe(0);
    });

    it('accepts the limits themselves: attendees = capacity, exactly the minimum, exactly the maximum', async () => {
      const ws = h.workspace({ capacity: 3, minBookingMinutes: 30, maxBookingMinutes: 120 });
      const a = await h.book(member.token, { workspaceId: ws.id, attendees: 3, ...range(slot(24).startTime, 30) });
      const b = await h.book(member.token, { workspaceId: ws.id, ...range(slot(26).startTime, 120) });
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.attendees).toBe(3);
    });

    it('lets an admin book for another (active) user: the booking is theirs', async () => {
      const admin = await h.admin();
      const someone = h.downstreams.user();
      const booking = await h.booked(admin.token, { workspaceId: h.workspace().id, userId: someone.id, ...slot(24) });
      expect(booking.userId).toBe(someone.id);
      const row = await h.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
      expect(row).toMatchObject({ createdBy: admin.user.id, userEmail: someone.email });
    });
  });

  describe('opening hours in the workspace time zone', () => {
    it('reads the hours in the workspace zone, not UTC or Berlin (New York, winter: UTC-5)', async () => {
      const ws = h.workspace({ timezone: 'America/New_York', openingHours: everyDay('09:00', '17:00') });
      expect(
        (await h.book(member.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T14:00:00Z`, 60) })).status,
      ).toBe(201);
      expectProblem(
        await h.book(member.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T13:30:00Z`, 60) }),
        422,
        'OUTSIDE_OPENING_HOURS',
      );
      // ends at 17:00 local (22:00Z): fits; one minute more does not
      expect(
        (await h.book(member.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T21:00:00Z`, 60) })).status,
      ).toBe(201);
      expectProblem(
        await h.book(member.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T21:30:00Z`, 31) }),
        422,
        'OUTSIDE_OPENING_HOURS',
      );
    });

    it('refuses a booking across a closed gap between two ranges of one day (lunch break)', async () => {
      const ws = h.workspace({
        timezone: 'UTC',
        openingHours: [1, 2, 3, 4, 5, 6, 7].flatMap((day) => [
          { day, open: '08:00', close: '12:00' },
          { day, open: '13:00', close: '17:00' },
        ]),
      });
      expectProblem(
        await h.book(member.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T11:00:00Z`, 120) }),
        422,
        'OUTSIDE_OPENING_HOURS',
      );
      expect(
        (await h.book(member.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T13:00:00Z`, 240) })).status,
      ).toBe(201);
    });

    describe(`across the daylight-saving changes (Europe/Berlin, ${DST_YEAR})`, () => {
      const spring = lastSunday(DST_YEAR, 3);
      const autumn = lastSunday(DST_YEAR, 10);
      const berlin = () => h.workspace({ timezone: 'Europe/Berlin', openingHours: everyDay('09:00', '17:00') });

      it(`keeps 09:00-17:00 local on the spring-change Sunday (${spring}, UTC+2): 07:00Z-15:00Z fits, 08:00Z-16:00Z does not`, async () => {
        const ws = berlin();
        const fits = await h.book(member.token, { workspaceId: ws.id, ...range(`${spring}T07:00:00Z`, 480) });
        expect(fits.status).toBe(201);
        expect(fits.body).toMatchObject({ startTime: `${spring}T07:00:00.000Z`, endTime: `${spring}T15:00:00.000Z` });
        const other = berlin();
        // 16:00Z is 18:00 local after the change
        expectProblem(
          await h.book(member.token, { workspaceId: other.id, ...range(`${spring}T08:00:00Z`, 480) }),
          422,
          'OUTSIDE_OPENING_HOURS',
        );
      });

      it(`still reads the Saturday before (${dayBefore(spring)}) as UTC+1: 08:00Z-16:00Z fits, 07:00Z-15:00Z does not`, async () => {
        const saturday = dayBefore(spring);
        expect(
          (await h.book(member.token, { workspaceId: berlin().id, ...range(`${saturday}T08:00:00Z`, 480) })).status,
        ).toBe(201);
        expectProblem(
          await h.book(member.token, { workspaceId: berlin().id, ...range(`${saturday}T07:00:00Z`, 480) }),
          422,
          'OUTSIDE_OPENING_HOURS',
        );
      });

      it(`keeps 09:00-17:00 local on the autumn-change Sunday (${autumn}, UTC+1): 08:00Z-16:00Z fits, 07:00Z-15:00Z does not`, async () => {
        expect(
          (await h.book(member.token, { workspaceId: berlin().id, ...range(`${autumn}T08:00:00Z`, 480) })).status,
        ).toBe(201);
        expectProblem(
          await h.book(member.token, { workspaceId: berlin().id, ...range(`${autumn}T07:00:00Z`, 480) }),
          422,
          'OUTSIDE_OPENING_HOURS',
        );
        // the Saturday before is still summer time (UTC+2)
        expect(
          (await h.book(member.token, { workspaceId: berlin().id, ...range(`${dayBefore(autumn)}T07:00:00Z`, 480) }))
            .status,
        ).toBe(201);
      });

      it('lets a 24-hour workspace take a 25-hour booking over the autumn-change day, priced for 25 hours', async () => {
        const ws = h.workspace({
          timezone: 'Europe/Berlin',
          openingHours: everyDay('00:00', '24:00'),
          maxBookingMinutes: 1500,
          hourlyRateCents: 1000,
        });
        // local midnight to midnight: 22:00Z (CEST) to 23:00Z (CET) the next day
        const booking = (await h.book(member.token, {
          workspaceId: ws.id,
          startTime: `${dayBefore(autumn)}T22:00:00Z`,
          endTime: `${autumn}T23:00:00Z`,
        })) as { status: number; body: Booking };
        expect(booking.status).toBe(201);
        expect(booking.body.priceCents).toBe(25 * 1000);
      });

      it('lets a 24-hour workspace take the 23-hour spring-change day; with a 24-hour maximum it refuses 25 hours', async () => {
        const ws = h.workspace({
          timezone: 'Europe/Berlin',
          openingHours: everyDay('00:00', '24:00'),
          maxBookingMinutes: 1440,
        });
        const day = await h.book(member.token, {
          workspaceId: ws.id,
          startTime: `${dayBefore(spring)}T23:00:00Z`,
          endTime: `${spring}T22:00:00Z`,
        });
        expect(day.status).toBe(201);
        expect(day.body.priceCents).toBe(23 * 1000);
        expectProblem(
          await h.book(member.token, {
            workspaceId: ws.id,
            startTime: `${dayBefore(autumn)}T22:00:00Z`,
            endTime: `${autumn}T23:00:00Z`,
          }),
          422,
          'DURATION_TOO_LONG',
        );
      });
    });
  });

  describe('overlaps', () => {
    it('accepts back-to-back bookings [10:00, 11:00) and [11:00, 12:00)', async () => {
      const ws = h.workspace({ timezone: 'UTC' });
      const other = await h.member();
      const first = await h.book(member.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T10:00:00Z`, 60) });
      const second = await h.book(other.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T11:00:00Z`, 60) });
      const before = await h.book(other.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T09:00:00Z`, 60) });
      expect([first.status, second.status, before.status]).toEqual([201, 201, 201]);
    });

    it.each([
      ['the same range', '10:00', 60],
      ['a range starting inside it', '10:59', 30],
      ['a range ending inside it', '09:30', 31],
      ['a range containing it', '09:00', 180],
      ['a range inside it', '10:15', 30],
    ])('refuses %s with 409 BOOKING_CONFLICT and writes nothing', async (_what, at, minutes) => {
      const ws = h.workspace({ timezone: 'UTC' });
      await h.booked(member.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T10:00:00Z`, 60) });
      const other = await h.member();
      expectProblem(
        await h.book(other.token, { workspaceId: ws.id, ...range(`${JANUARY_MONDAY}T${at}:00Z`, minutes) }),
        409,
        'BOOKING_CONFLICT',
      );
      expect(await rowsFor(ws.id)).toBe(1);
      // the first booking's booking.created and booking.confirmed, nothing for the refused one
      expect(await eventsFor(ws.id)).toBe(2);
    });

    it('lets the same time be booked at another workspace', async () => {
      const s = slot(30);
      expect((await h.book(member.token, { workspaceId: h.workspace().id, ...s })).status).toBe(201);
      expect((await h.book(member.token, { workspaceId: h.workspace().id, ...s })).status).toBe(201);
    });
  });

  describe('price', () => {
    it('charges pro rata by the minute (90 min at 10.00/h = 15.00) and copies the currency', async () => {
      const ws = h.workspace({ hourlyRateCents: 1000, currency: 'CHF' });
      const booking = await h.booked(member.token, { workspaceId: ws.id, ...range(slot(24).startTime, 90) });
      expect(booking).toMatchObject({
        priceCents: 1500,
        currency: 'CHF',
        status: 'CONFIRMED',
        attendees: 1,
        version: 2,
      });
      const row = await h.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
      // and charges exactly that
      expect(row).toMatchObject({ priceCents: 1500, currency: 'CHF', paidCents: 1500 });
      expect(h.downstreams.ledger.charges.filter((c) => c.bookingId === booking.id)).toEqual([
        { key: booking.id, bookingId: booking.id, amountCents: 1500 },
      ]);
    });

    it('rounds half-up to the minor unit in integers (45 min at 19.99/h = 14.9925 -> 1499)', async () => {
      const ws = h.workspace({ hourlyRateCents: 1999, currency: 'USD', minBookingMinutes: 15 });
      const booking = await h.booked(member.token, { workspaceId: ws.id, ...range(slot(24).startTime, 45) });
      expect(booking).toMatchObject({ priceCents: 1499, currency: 'USD' });
    });
  });
});
