import { BookingFixture, expectProblem, hours, ReportingServiceHarness, WorkspaceFixture } from '../support/harness.js';

/** POST /internal/events/batch: each event applied as POST /internal/events would, one receipt each, in order. */
export function eventBatchSuite(h: ReportingServiceHarness): void {
  describe('consuming batches of booking events', () => {
    let workspace: WorkspaceFixture;
    let base: Date;

    const row = async (booking: BookingFixture) =>
      (await h.sql('SELECT * FROM report_bookings WHERE booking_id = $1', [booking.id]))[0];
    const movements = (booking: BookingFixture) =>
      h.sql<{ amount_cents: number; event_type: string }>(
        'SELECT amount_cents, event_type FROM money_movements WHERE booking_id = $1 ORDER BY occurred_at',
        [booking.id],
      );
    const recorded = (eventId: string) => h.count('processed_events', 'event_id = $1', [eventId]);
    /** The booking's next state, and its event. */
    const next = (type: string, booking: BookingFixture, changes: Partial<BookingFixture> = {}) => {
      Object.assign(booking, changes, { version: booking.version + 1 });
      return h.event(type, booking);
    };

    beforeAll(() => {
      base = h.window();
      workspace = h.workspace();
    });

    it('applies every event of a batch in the order given and answers one receipt per event, in order', async () => {
      const first = h.booking(workspace, hours(base, 10));
      const second = h.booking(workspace, hours(base, 20));
      const events = [
        next('booking.created', first),
        next('booking.created', second),
        // in order, so the confirmation is not taken for stale
        next('booking.confirmed', first, { status: 'CONFIRMED', paidCents: 5000 }),
        next('booking.reminder_sent', second),
      ];

      const res = await h.deliverBatch(events);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        receipts: [
          { eventId: events[0]!.id, outcome: 'applied' },
          { eventId: events[1]!.id, outcome: 'applied' },
          { eventId: events[2]!.id, outcome: 'applied' },
          { eventId: events[3]!.id, outcome: 'ignored' },
        ],
      });
      expect(await row(first)).toMatchObject({ status: 'CONFIRMED', paid_cents: 5000 });
      expect(await row(second)).toMatchObject({ status: 'PENDING', paid_cents: 0 });
      expect(await movements(first)).toEqual([{ amount_cents: 5000, event_type: 'booking.confirmed' }]);
      for (const event of events) expect(await recorded(event.id)).toBe(1);
    });

    it('answers duplicate for every event of a redelivered batch and changes nothing', async () => {
      const booking = h.booking(workspace, hours(base, 30));
      const other = h.booking(workspace, hours(base, 40));
      await h.happen('booking.created', booking);
      const events = [
        next('booking.confirmed', booking, { status: 'CONFIRMED', paidCents: 5000 }),
        next('booking.created', other),
      ];
      expect((await h.deliverBatch(events)).body.receipts.map((r: { outcome: string }) => r.outcome)).toEqual([
        'applied',
        'applied',
      ]);
      const before = [await row(booking), await row(other)];

      const again = await h.deliverBatch(events);

      expect(again.status).toBe(200);
      expect(again.body.receipts).toEqual(events.map((e) => ({ eventId: e.id, outcome: 'duplicate' })));
      expect([await row(booking), await row(other)]).toEqual(before);
      expect(await movements(booking)).toHaveLength(1);
    });

    it('rejects an event in an unsupported version in its receipt, records nothing of it, and applies the others', async () => {
      const refused = h.booking(workspace, hours(base, 50));
      const fine = h.booking(workspace, hours(base, 60));
      const events = [h.event('booking.created', refused, { envelope: { version: 2 } }), next('booking.created', fine)];

      const res = await h.deliverBatch(events);

      expect(res.status).toBe(200);
      expect(res.body.receipts).toEqual([
        {
          eventId: events[0]!.id,
          outcome: 'rejected',
          status: 422,
          code: 'UNSUPPORTED_EVENT_VERSION',
          detail: 'booking.created version 2 is not supported (this consumer reads version 1)',
        },
        { eventId: events[1]!.id, outcome: 'applied' },
      ]);
      expect(await recorded(events[0]!.id)).toBe(0);
      expect(await h.count('report_bookings', 'booking_id = $1', [refused.id])).toBe(0);
      expect(await row(fine)).toMatchObject({ status: 'PENDING' });
    });

    it('rejects a payload lacking what the read model needs with 400 naming the field, and applies the others', async () => {
      const broken = h.booking(workspace, hours(base, 70));
      const fine = h.booking(workspace, hours(base, 80));
      const bad = h.event('booking.created', broken);
      delete (bad.payload.booking as Partial<typeof bad.payload.booking>).paidCents;

      const res = await h.deliverBatch([next('booking.created', fine), bad]);

      expect(res.status).toBe(200);
      expect(res.body.receipts[0]).toEqual({ eventId: expect.any(String), outcome: 'applied' });
      expect(res.body.receipts[1]).toMatchObject({
        eventId: bad.id,
        outcome: 'rejected',
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(res.body.receipts[1].detail).toContain('payload.booking.paidCents');
      expect(await recorded(bad.id)).toBe(0);
      expect(await h.count('report_bookings', 'booking_id = $1', [broken.id])).toBe(0);
    });

    it('refuses a body that is not a list of 1 to 200 events with 400 VALIDATION_FAILED', async () => {
      const token = await h.serviceToken();
      for (const body of [{}, { events: [] }, { events: {} }]) {
        expectProblem(await h.app.post('/internal/events/batch', { token, body }), 400, 'VALIDATION_FAILED');
      }
    });
  });
}
