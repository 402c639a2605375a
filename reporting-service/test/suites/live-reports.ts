import { days, hours, iso, ReportingServiceHarness, WorkspaceFixture } from '../support/harness.js';
import { expectWellFormedSvg } from '../support/svg.js';

const WEEKDAYS_9_TO_17 = [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' }));

/** GET /reports/summary, /reports/occupancy and /reports/occupancy.svg on exact numbers. */
export function liveReportsSuite(h: ReportingServiceHarness): void {
  describe('GET /reports/summary', () => {
    it('counts bookings starting in the range by status (zeros included), deleted apart, and the cancellation rate', async () => {
      const base = h.window();
      const workspace = h.workspace();
      const at = (d: number) => days(base, d);
      const statuses = [
        ['CONFIRMED', 5],
        ['CANCELLED', 2],
        ['PENDING', 1],
        ['EXPIRED', 1],
      ] as const;
      let d = 0;
      for (const [status, n] of statuses) {
        for (let i = 0; i < n; i++) {
          const booking = h.booking(workspace, at(++d));
          await h.happen('booking.created', booking);
          if (status === 'EXPIRED') await h.happen('booking.expired', booking, { status: 'EXPIRED' });
          if (status === 'CONFIRMED' || status === 'CANCELLED') {
            await h.happen('booking.confirmed', booking, { status: 'CONFIRMED' });
          }
          if (status === 'CANCELLED') await h.happen('booking.cancelled', booking, { status: 'CANCELLED' });
        }
      }
      const removed = h.booking(workspace, at(20));
      await h.happen('booking.created', removed);
      await h.happen('booking.expired', removed, { status: 'EXPIRED' });
      await h.happen('booking.deleted', removed);
      // starts at the end of the range, so outside it (half-open): not counted
      const outside = h.booking(workspace, at(27));
      await h.happen('booking.created', outside);

      const summary = await h.summary({ from: iso(base), to: iso(at(27)) });
      expect(summary).toEqual({
        from: iso(base),
        to: iso(at(27)),
        bookings: { PENDING: 1, CONFIRMED: 5, CANCELLED: 2, PAYMENT_FAILED: 0, EXPIRED: 1 },
        deletedBookings: 1,
        revenue: [],
        cancellationRate: 0.2857, // 2 / 7
      });
    });

    it('answers zeros and a null cancellation rate for a range with nothing in it', async () => {
      const base = h.window();
      expect(await h.summary({ from: iso(base), to: iso(days(base, 1)) })).toEqual({
        from: iso(base),
        to: iso(days(base, 1)),
        bookings: { PENDING: 0, CONFIRMED: 0, CANCELLED: 0, PAYMENT_FAILED: 0, EXPIRED: 0 },
        deletedBookings: 0,
        revenue: [],
        cancellationRate: null,
      });
    });

    it('reads from/to with any offset as the instants they name, and answers them in UTC', async () => {
      const base = h.window();
      const day = iso(base).slice(0, 10);
      const booking = h.booking(h.workspace(), hours(base, 1)); // starts 01:00Z = 02:00+01:00
      await h.happen('booking.created', booking);
      const endingAtItsStart = await h.summary({
        from: `${day}T00:30:00+01:00`,
        to: `${day}T02:00:00+01:00`,
      });
      expect(endingAtItsStart).toMatchObject({ from: iso(hours(base, -0.5)), to: iso(hours(base, 1)) });
      expect(endingAtItsStart.bookings.PENDING).toBe(0); // half-open: [from, to) excludes to
      const including = await h.summary({
        from: `${day}T00:30:00+01:00`,
        to: `${day}T02:01:00+01:00`,
      });
      expect(including.bookings.PENDING).toBe(1);
    });
  });

  describe('GET /reports/occupancy', () => {
    /** A booking of `workspace` from `start` for `h` hours, CONFIRMED. */
    const confirmed = async (workspace: WorkspaceFixture, start: Date, length: number) => {
      const booking = h.booking(workspace, start, { endTime: iso(hours(start, length)) });
      await h.happen('booking.created', booking);
      await h.happen('booking.confirmed', booking, { status: 'CONFIRMED', paidCents: 5000 });
      return booking;
    };
    const occupancy = async (workspace: WorkspaceFixture, from: string, to: string) =>
      (await h.occupancy({ from, to, workspaceId: workspace.id })).items;

    it('open 09:00-17:00 Mon-Fri in Berlin, a 2 h confirmed booking: 120 of 480 minutes, 0.25', async () => {
      const workspace = h.workspace({ name: 'Berlin Desk', openingHours: WEEKDAYS_9_TO_17 });
      // Monday 6 January 2031, 10:00-12:00 in Berlin (UTC+1)
      await confirmed(workspace, new Date('2031-01-06T09:00:00Z'), 2);
      expect(await occupancy(workspace, '2031-01-06T00:00:00+01:00', '2031-01-07T00:00:00+01:00')).toEqual([
        {
          workspaceId: workspace.id,
          workspaceName: 'Berlin Desk',
          timezone: 'Europe/Berlin',
          date: '2031-01-06',
          start: '2031-01-05T23:00:00.000Z',
          end: '2031-01-06T23:00:00.000Z',
          openMinutes: 480,
          bookedMinutes: 120,
          occupancy: 0.25,
        },
      ]);
    });

    it('a closed day has 0 open minutes and a null occupancy', async () => {
      const workspace = h.workspace({ openingHours: WEEKDAYS_9_TO_17 });
      await confirmed(workspace, new Date('2031-01-06T09:00:00Z'), 2);
      const items = await occupancy(workspace, '2031-01-04T00:00:00+01:00', '2031-01-05T00:00:00+01:00'); // a Saturday
      expect(items).toEqual([
        expect.objectContaining({ date: '2031-01-04', openMinutes: 0, bookedMinutes: 0, occupancy: null }),
      ]);
    });

    it.each([
      ['spring forward (30 March 2031)', '2031-03-30T00:00:00+01:00', '2031-03-31T00:00:00+02:00', '2031-03-30', 1380],
      ['fall back (26 October 2031)', '2031-10-26T00:00:00+02:00', '2031-10-27T00:00:00+01:00', '2031-10-26', 1500],
    ])('open at all times, the DST day of %s has %s open minutes', async (_what, from, to, date, minutes) => {
      const workspace = h.workspace({ openingHours: null });
      await confirmed(workspace, new Date(`${date}T08:00:00Z`), 3);
      expect(await occupancy(workspace, from, to)).toEqual([
        expect.objectContaining({
          date,
          openMinutes: minutes,
          bookedMinutes: 180,
          occupancy: Math.round((180 / minutes) * 10000) / 10000,
        }),
      ]);
    });

    it('splits a booking across local midnight over the two days', async () => {
      const workspace = h.workspace({ openingHours: null });
      // 22:00 on 6 January to 02:00 on 7 January, Berlin time
      await confirmed(workspace, new Date('2031-01-06T21:00:00Z'), 4);
      const items = await occupancy(workspace, '2031-01-06T00:00:00+01:00', '2031-01-08T00:00:00+01:00');
      expect(items.map((i) => [i.date, i.openMinutes, i.bookedMinutes, i.occupancy])).toEqual([
        ['2031-01-06', 1440, 120, 0.0833],
        ['2031-01-07', 1440, 120, 0.0833],
      ]);
    });

    it('counts only CONFIRMED bookings, and only within opening hours', async () => {
      const workspace = h.workspace({ openingHours: WEEKDAYS_9_TO_17 });
      const monday = new Date('2031-01-06T00:00:00+01:00');
      const pending = h.booking(workspace, hours(monday, 9)); // 09:00-11:00 local, still PENDING
      await h.happen('booking.created', pending);
      const cancelled = await confirmed(workspace, hours(monday, 11), 1);
      await h.happen('booking.cancelled', cancelled, { status: 'CANCELLED' });
      const deleted = h.booking(workspace, hours(monday, 12));
      await h.happen('booking.created', deleted);
      await h.happen('booking.expired', deleted, { status: 'EXPIRED' });
      await h.happen('booking.deleted', deleted);
      await confirmed(workspace, hours(monday, 16), 2); // 16:00-18:00 local: one hour inside
      const [day] = await occupancy(workspace, iso(monday), iso(days(monday, 1)));
      expect(day).toMatchObject({ openMinutes: 480, bookedMinutes: 60, occupancy: 0.125 });
    });

    it('clips the days to the range: a range inside one day counts only that part', async () => {
      const workspace = h.workspace({ openingHours: WEEKDAYS_9_TO_17 });
      await confirmed(workspace, new Date('2031-01-06T09:00:00Z'), 2); // 10:00-12:00 local
      const items = await occupancy(workspace, '2031-01-06T11:00:00+01:00', '2031-01-06T13:00:00+01:00');
      expect(items).toEqual([
        expect.objectContaining({
          date: '2031-01-06',
          start: '2031-01-06T10:00:00.000Z',
          end: '2031-01-06T12:00:00.000Z',
          openMinutes: 120,
          bookedMinutes: 60,
          occupancy: 0.5,
        }),
      ]);
    });

    it('lists every known workspace by name, each day of the range, and nothing for an unknown workspace', async () => {
      const a = h.workspace({ name: 'Zeta Room' });
      const b = h.workspace({ name: 'Alpha Room' });
      await confirmed(a, new Date('2031-01-06T09:00:00Z'), 1);
      await confirmed(b, new Date('2031-01-06T09:00:00Z'), 1);
      const res = await h.occupancy({
        from: '2031-01-06T00:00:00+01:00',
        to: '2031-01-08T00:00:00+01:00',
      });
      const ours = res.items.filter((i) => i.workspaceId === a.id || i.workspaceId === b.id);
      expect(ours.map((i) => `${i.workspaceName} ${i.date}`)).toEqual([
        'Alpha Room 2031-01-06',
        'Alpha Room 2031-01-07',
        'Zeta Room 2031-01-06',
        'Zeta Room 2031-01-07',
      ]);
      const unknown = await h.occupancy({
        from: '2031-01-06T00:00:00Z',
        to: '2031-01-07T00:00:00Z',
        workspaceId: '00000000-0000-4000-8000-000000000000',
      });
      expect(unknown.items).toEqual([]);
    });
  });

  describe('GET /reports/occupancy.svg', () => {
    it('renders a well-formed SVG heat map naming the workspace', async () => {
      const workspace = h.workspace({ name: 'Hopper & "Babbage" <Hall>', openingHours: WEEKDAYS_9_TO_17 });
      const booking = h.booking(workspace, new Date('2031-01-06T09:00:00Z'));
      await h.happen('booking.created', booking);
      await h.happen('booking.confirmed', booking, { status: 'CONFIRMED', paidCents: 5000 });
      const res = await h.app.get('/reports/occupancy.svg', {
        token: await h.adminToken(),
        query: { from: '2031-01-05T00:00:00+01:00', to: '2031-01-12T00:00:00+01:00', workspaceId: workspace.id },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expectWellFormedSvg(res.text);
      expect(res.text).toContain('Hopper &amp; &quot;Babbage&quot; &lt;Hall&gt;');
      expect(res.text).not.toContain('<Hall>');
      expect(res.text).toContain('2031-01-06');
    });

    it('renders an empty-state chart for a range without data, not an error', async () => {
      const res = await h.app.get('/reports/occupancy.svg', {
        token: await h.adminToken(),
        query: {
          from: '2031-01-05T00:00:00Z',
          to: '2031-01-06T00:00:00Z',
          workspaceId: '00000000-0000-4000-8000-000000000000',
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expectWellFormedSvg(res.text);
      expect(res.text).toContain('No occupancy data');
    });
  });
}
