import { randomUUID } from 'node:crypto';
import {
  BookingFixture,
  expectProblem,
  hours,
  ReportingServiceHarness,
  violatedFields,
  WorkspaceFixture,
} from '../support/harness.js';

/** An event as a test may break it. */
type BreakableEvent = { type: string; payload: Record<string, Record<string, unknown>> };

interface BookingRow extends Record<string, unknown> {
  status: string;
  start_time: Date;
  end_time: Date;
  price_cents: number;
  paid_cents: number;
  attendees: number;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  deleted_at: Date | null;
  last_sequence: string | number;
}

/** POST /internal/events: each event type, redelivery, concurrency, order, versions and refusals. */
export function eventsSuite(h: ReportingServiceHarness): void {
  describe('consuming booking events', () => {
    let workspace: WorkspaceFixture;
    let base: Date;

    const row = async (booking: BookingFixture) =>
      (await h.sql<BookingRow>('SELECT * FROM report_bookings WHERE booking_id = $1', [booking.id]))[0];
    const movements = (booking: BookingFixture) =>
      h.sql<{ amount_cents: number; event_type: string; currency: string }>(
        'SELECT amount_cents, event_type, currency FROM money_movements WHERE booking_id = $1 ORDER BY occurred_at',
        [booking.id],
      );

    beforeAll(() => {
      base = h.window();
      workspace = h.workspace({
        name: 'Lovelace Room',
        openingHours: [{ day: 1, open: '09:00', close: '17:00' }],
      });
    });

    it('booking.created adds the booking as PENDING and its workspace; no money moves', async () => {
      const booking = h.booking(workspace, hours(base, 10));
      const res = await h.deliver(h.event('booking.created', booking));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ eventId: expect.any(String), outcome: 'applied' });
      expect(await row(booking)).toMatchObject({
        status: 'PENDING',
        start_time: new Date(booking.startTime),
        end_time: new Date(booking.endTime),
        price_cents: 5000,
        paid_cents: 0,
        attendees: 1,
        confirmed_at: null,
      });
      expect(await movements(booking)).toEqual([]);
      const [ws] = await h.sql('SELECT name, timezone, opening_hours FROM report_workspaces WHERE workspace_id = $1', [
        workspace.id,
      ]);
      expect(ws).toEqual({
        name: 'Lovelace Room',
        timezone: 'Europe/Berlin',
        opening_hours: [{ day: 1, open: '09:00', close: '17:00' }],
      });
    });

    it('follows a booking through confirm, reschedule, cancel and refund, moving money by the change of paidCents', async () => {
      const booking = h.booking(workspace, hours(base, 30));
      await h.happen('booking.created', booking, {}, { occurredAt: hours(base, 1) });
      await h.happen(
        'booking.confirmed',
        booking,
        { status: 'CONFIRMED', paidCents: 5000 },
        { occurredAt: hours(base, 2) },
      );
      expect(await row(booking)).toMatchObject({
        status: 'CONFIRMED',
        paid_cents: 5000,
        confirmed_at: hours(base, 2),
      });

      const previous = { startTime: booking.startTime, endTime: booking.endTime, priceCents: booking.priceCents };
      await h.happen(
        'booking.rescheduled',
        booking,
        {
          startTime: hours(base, 40).toISOString(),
          endTime: hours(base, 43).toISOString(),
          priceCents: 7500,
          paidCents: 7500,
        },
        { occurredAt: hours(base, 3), extra: { previous } },
      );
      expect(await row(booking)).toMatchObject({
        status: 'CONFIRMED',
        start_time: hours(base, 40),
        end_time: hours(base, 43),
        price_cents: 7500,
        paid_cents: 7500,
        confirmed_at: hours(base, 2),
      });

      await h.happen(
        'booking.cancelled',
        booking,
        { status: 'CANCELLED' },
        { occurredAt: hours(base, 4), extra: { refundCents: 7500 } },
      );
      expect(await row(booking)).toMatchObject({ status: 'CANCELLED', paid_cents: 7500, cancelled_at: hours(base, 4) });

      await h.happen(
        'refund.issued',
        booking,
        { paidCents: 0 },
        { occurredAt: hours(base, 5), extra: { refundCents: 7500 } },
      );
      expect(await row(booking)).toMatchObject({ status: 'CANCELLED', paid_cents: 0 });
      expect(await movements(booking)).toEqual([
        { amount_cents: 5000, event_type: 'booking.confirmed', currency: 'EUR' },
        { amount_cents: 2500, event_type: 'booking.rescheduled', currency: 'EUR' },
        { amount_cents: -7500, event_type: 'refund.issued', currency: 'EUR' },
      ]);
    });

    it.each([
      ['payment.failed', 'PAYMENT_FAILED', { declineCode: 'card_declined' }],
      ['booking.expired', 'EXPIRED', {}],
    ] as const)('%s sets the status to %s and moves no money', async (type, status, extra) => {
      const booking = h.booking(workspace, hours(base, 50));
      await h.happen('booking.created', booking);
      await h.happen(type, booking, { status }, { extra });
      expect(await row(booking)).toMatchObject({ status, paid_cents: 0 });
      expect(await movements(booking)).toEqual([]);
    });

    it('booking.deleted keeps the row with its last state and marks it deleted', async () => {
      const booking = h.booking(workspace, hours(base, 60));
      await h.happen('booking.created', booking);
      await h.happen('booking.expired', booking, { status: 'EXPIRED' });
      await h.happen('booking.deleted', booking, {}, { occurredAt: hours(base, 61) });
      expect(await row(booking)).toMatchObject({ status: 'EXPIRED', deleted_at: hours(base, 61) });
    });

    it('starts from whatever event comes first: a booking first seen confirmed counts its money', async () => {
      const booking = h.booking(workspace, hours(base, 70), { status: 'CONFIRMED', paidCents: 5000 });
      await h.happen('booking.confirmed', booking);
      expect(await row(booking)).toMatchObject({ status: 'CONFIRMED', paid_cents: 5000 });
      expect(await movements(booking)).toEqual([
        { amount_cents: 5000, event_type: 'booking.confirmed', currency: 'EUR' },
      ]);
    });

    it('a redelivered event answers duplicate and changes nothing', async () => {
      const booking = h.booking(workspace, hours(base, 80));
      await h.happen('booking.created', booking);
      const confirmed = await h.happen('booking.confirmed', booking, { status: 'CONFIRMED', paidCents: 5000 });
      const before = await row(booking);
      const again = await h.deliver(confirmed);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ eventId: confirmed.id, outcome: 'duplicate' });
      expect(await row(booking)).toEqual(before);
      expect(await movements(booking)).toHaveLength(1);
    });

    it('20 concurrent deliveries of one event apply it once: one movement, the others duplicate', async () => {
      const booking = h.booking(workspace, hours(base, 90));
      await h.happen('booking.created', booking);
      Object.assign(booking, { status: 'CONFIRMED', paidCents: 5000 });
      const confirmed = h.event('booking.confirmed', booking);
      const results = await Promise.all(Array.from({ length: 20 }, () => h.deliver(confirmed)));
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const outcomes = results.map((r) => r.body.outcome).sort();
      expect(outcomes).toEqual(['applied', ...Array(19).fill('duplicate')]);
      expect(await movements(booking)).toEqual([
        { amount_cents: 5000, event_type: 'booking.confirmed', currency: 'EUR' },
      ]);
      expect(await h.count('processed_events', 'event_id = $1', [confirmed.id])).toBe(1);
    });

    it('an event older than the last applied one of its booking is stale: recorded, ignored, nothing changes', async () => {
      const booking = h.booking(workspace, hours(base, 100));
      const created = h.event('booking.created', booking);
      Object.assign(booking, { status: 'CONFIRMED', paidCents: 5000 });
      const confirmed = h.event('booking.confirmed', booking); // a higher sequence than created
      expect((await h.deliver(confirmed)).body.outcome).toBe('applied');
      const stale = await h.deliver(created);
      expect(stale.status).toBe(200);
      expect(stale.body).toEqual({ eventId: created.id, outcome: 'ignored' });
      expect(await row(booking)).toMatchObject({
        status: 'CONFIRMED',
        paid_cents: 5000,
        last_sequence: expect.anything(),
      });
      expect(Number((await row(booking))!.last_sequence)).toBe(confirmed.sequence);
      expect(await movements(booking)).toHaveLength(1);
      expect((await h.deliver(created)).body.outcome).toBe('duplicate');
    });

    it('keeps the newest description of a workspace when an older event arrives late', async () => {
      const ws = h.workspace({ name: 'Renamed Room' });
      const newer = h.booking(ws, hours(base, 110));
      await h.happen('booking.created', newer, {}, { occurredAt: hours(base, 12) });
      const older = h.booking(
        { ...ws, name: 'Old Name', openingHours: [{ day: 2, open: '08:00', close: '09:00' }] },
        hours(base, 111),
      );
      await h.happen('booking.created', older, {}, { occurredAt: hours(base, 11) });
      const [stored] = await h.sql('SELECT name, opening_hours FROM report_workspaces WHERE workspace_id = $1', [
        ws.id,
      ]);
      expect(stored).toEqual({ name: 'Renamed Room', opening_hours: null });
    });

    it('records a type it does not act on and answers ignored, then duplicate', async () => {
      const booking = h.booking(workspace, hours(base, 120));
      const event = h.event('booking.reminder_sent', booking, { envelope: { version: 7 } });
      expect((await h.deliver(event)).body).toEqual({ eventId: event.id, outcome: 'ignored' });
      expect((await h.deliver(event)).body).toEqual({ eventId: event.id, outcome: 'duplicate' });
      expect(await h.count('report_bookings', 'booking_id = $1', [booking.id])).toBe(0);
    });

    it('refuses version 2 of a known type with 422 UNSUPPORTED_EVENT_VERSION and records nothing', async () => {
      const booking = h.booking(workspace, hours(base, 130));
      const event = h.event('booking.created', booking, { envelope: { version: 2 } });
      const res = await h.deliver(event);
      expectProblem(res, 422, 'UNSUPPORTED_EVENT_VERSION');
      expect(res.body).toMatchObject({ eventType: 'booking.created', version: 2, supportedVersion: 1 });
      expect(await h.count('processed_events', 'event_id = $1', [event.id])).toBe(0);
      expect(await h.count('report_bookings', 'booking_id = $1', [booking.id])).toBe(0);
      // once upgraded (here: sent as version 1) the same event id is applied: nothing was remembered
      expect((await h.deliver({ ...event, version: 1 })).body.outcome).toBe('applied');
    });

    const payloadBreakers: [string, (e: BreakableEvent) => void, string][] = [
      ['no paidCents', (e) => delete e.payload.booking.paidCents, 'payload.booking.paidCents'],
      ['a negative paidCents', (e) => (e.payload.booking.paidCents = -1), 'payload.booking.paidCents'],
      ['a fractional priceCents', (e) => (e.payload.booking.priceCents = 10.5), 'payload.booking.priceCents'],
      ['an unknown status', (e) => (e.payload.booking.status = 'ON_HOLD'), 'payload.booking.status'],
      [
        'a start time without offset',
        (e) => (e.payload.booking.startTime = '2031-01-06T10:00:00'),
        'payload.booking.startTime',
      ],
      [
        'an end before the start',
        (e) => (e.payload.booking.endTime = e.payload.booking.startTime),
        'payload.booking.endTime',
      ],
      ['a lower-case currency', (e) => (e.payload.booking.currency = 'eur'), 'payload.booking.currency'],
      ['no booking at all', (e) => delete e.payload.booking, 'payload.booking'],
      ['a booking id other than aggregateId', (e) => (e.payload.booking.id = randomUUID()), 'payload.booking.id'],
      ['no openingHours key', (e) => delete e.payload.workspace.openingHours, 'payload.workspace.openingHours'],
      [
        'a time zone that is not one',
        (e) => (e.payload.workspace.timezone = 'Mars/Olympus'),
        'payload.workspace.timezone',
      ],
      [
        'opening hours closing before they open',
        (e) => (e.payload.workspace.openingHours = [{ day: 1, open: '17:00', close: '09:00' }]),
        'payload.workspace.openingHours[0].close',
      ],
      [
        'a workspace id other than the booking’s',
        (e) => (e.payload.workspace.id = randomUUID()),
        'payload.workspace.id',
      ],
      ['a refund.issued without refundCents', (e) => (e.type = 'refund.issued'), 'payload.refundCents'],
    ];

    it.each(payloadBreakers)(
      'refuses a payload with %s: 400 naming %s, nothing recorded',
      async (_what, breakIt, field) => {
        const booking = h.booking(workspace, hours(base, 140));
        const event = h.event('booking.created', booking);
        breakIt(event as unknown as BreakableEvent);
        const res = await h.deliver(event);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(violatedFields(res)).toContain(field);
        expect(await h.count('processed_events', 'event_id = $1', [event.id])).toBe(0);
        expect(await h.count('report_bookings', 'booking_id = $1', [booking.id])).toBe(0);
      },
    );

    it.each<[string, Record<string, unknown>, string]>([
      ['an id that is not a UUID', { id: 'evt-1' }, 'id'],
      ['a type that does not look like one', { type: 'Booking Created' }, 'type'],
      ['sequence 0', { sequence: 0 }, 'sequence'],
      ['an occurredAt without offset', { occurredAt: '2031-01-06 10:00' }, 'occurredAt'],
      ['a payload that is not an object', { payload: 'booking' }, 'payload'],
      ['an unknown envelope field', { priority: 'high' }, 'priority'],
    ])('refuses an envelope with %s: 400 naming it', async (_what, change, field) => {
      const booking = h.booking(workspace, hours(base, 150));
      const res = await h.deliver({ ...h.event('booking.created', booking), ...change });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
    });

    it('answers a user token with 403 and no token with 401, recording nothing', async () => {
      const booking = h.booking(workspace, hours(base, 160));
      const event = h.event('booking.created', booking);
      expectProblem(await h.deliver(event, { token: (await h.admin()).token }), 403, 'FORBIDDEN');
      expectProblem(await h.app.post('/internal/events', { body: event }), 401, 'UNAUTHENTICATED');
      expect(await h.count('processed_events', 'event_id = $1', [event.id])).toBe(0);
    });
  });
}
