import { randomUUID } from 'node:crypto';
import { bookingEvent, without } from '../support/events.js';
import { expectProblem, NotificationServiceHarness } from '../support/harness.js';

/** POST /internal/events/batch: every event handled as the single endpoint would, one receipt each. */
export function eventBatchSuite(h: NotificationServiceHarness): void {
  describe('consuming batches of booking events', () => {
    const recorded = (eventId: string) => h.count('processed_events', 'event_id = $1', [eventId]);

    it('applies every event of a batch in order and answers one receipt per event, in order', async () => {
      const member = await h.member();
      const bookingId = randomUUID();
      const events = [
        bookingEvent('booking.created', { user: member.user, bookingId }),
        bookingEvent('booking.confirmed', { user: member.user, bookingId }),
        bookingEvent('booking.cancelled', { user: member.user }),
      ];

      const res = await h.deliverBatch(events);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        receipts: [
          { eventId: events[0]!.id, outcome: 'ignored' },
          { eventId: events[1]!.id, outcome: 'applied' },
          { eventId: events[2]!.id, outcome: 'applied' },
        ],
      });
      expect((await h.rowsOf(events[1]!)).map((r) => [r.channel, r.type])).toEqual([
        ['IN_APP', 'BOOKING_CONFIRMED'],
        ['EMAIL', 'BOOKING_CONFIRMED'],
      ]);
      expect((await h.rowsOf(events[2]!)).map((r) => r.type)).toEqual(['BOOKING_CANCELLED', 'BOOKING_CANCELLED']);
      for (const event of events) expect(await recorded(event.id)).toBe(1);
    });

    it('answers duplicate for every event of a redelivered batch and changes nothing', async () => {
      const member = await h.member();
      const events = [
        bookingEvent('booking.confirmed', { user: member.user }),
        bookingEvent('booking.created', { user: member.user }),
        bookingEvent('refund.issued', { user: member.user }),
      ];
      expect((await h.deliverBatch(events)).status).toBe(200);
      const before = await h.sql('SELECT * FROM notifications WHERE user_id = $1 ORDER BY id', [member.id]);

      const again = await h.deliverBatch(events);

      expect(again.status).toBe(200);
      expect(again.body.receipts).toEqual(events.map((e) => ({ eventId: e.id, outcome: 'duplicate' })));
      expect(await h.sql('SELECT * FROM notifications WHERE user_id = $1 ORDER BY id', [member.id])).toEqual(before);
      // and a batch that overlaps an event delivered alone
      const fresh = bookingEvent('booking.expired', { user: member.user });
      const overlap = await h.deliverBatch([events[0], fresh]);
      expect(overlap.body.receipts.map((r: { outcome: string }) => r.outcome)).toEqual(['duplicate', 'applied']);
    });

    it('rejects an event in an unsupported version in its receipt, records nothing of it, and applies the others', async () => {
      const member = await h.member();
      const events = [
        bookingEvent('booking.confirmed', { user: member.user }),
        bookingEvent('booking.confirmed', { user: member.user, version: 2 }),
        bookingEvent('booking.cancelled', { user: member.user }),
      ];

      const res = await h.deliverBatch(events);

      expect(res.status).toBe(200);
      expect(res.body.receipts).toEqual([
        { eventId: events[0]!.id, outcome: 'applied' },
        {
          eventId: events[1]!.id,
          outcome: 'rejected',
          status: 422,
          code: 'UNSUPPORTED_EVENT_VERSION',
          detail: 'booking.confirmed version 2 is not supported (this consumer reads version 1)',
        },
        { eventId: events[2]!.id, outcome: 'applied' },
      ]);
      expect(await recorded(events[1]!.id)).toBe(0);
      expect(await h.count('notifications', 'event_id = $1', [events[1]!.id])).toBe(0);
      expect(await h.count('notifications', 'user_id = $1', [member.id])).toBe(4);
      // redelivered once the producer sends a version this consumer reads
      const retried = await h.deliverBatch([{ ...events[1]!, version: 1 }]);
      expect(retried.body.receipts).toEqual([{ eventId: events[1]!.id, outcome: 'applied' }]);
    });

    it('rejects a malformed envelope and a payload lacking a field with 400 naming it, and applies the others', async () => {
      const member = await h.member();
      const good = bookingEvent('booking.confirmed', { user: member.user });
      const noEmail = without(bookingEvent('booking.confirmed', { user: member.user }), 'user.email');
      const badEnvelope = { ...bookingEvent('booking.confirmed', { user: member.user }), version: 'one' };

      const res = await h.deliverBatch([noEmail, badEnvelope, 'not an event', good]);

      expect(res.status).toBe(200);
      const [first, second, third, fourth] = res.body.receipts;
      expect(first).toMatchObject({ eventId: noEmail.id, outcome: 'rejected', status: 400, code: 'VALIDATION_FAILED' });
      expect(first.detail).toContain('payload.user.email');
      expect(second).toMatchObject({ eventId: badEnvelope.id, outcome: 'rejected', status: 400 });
      expect(second.detail).toContain('version');
      expect(third).toMatchObject({ eventId: null, outcome: 'rejected', status: 400, code: 'VALIDATION_FAILED' });
      expect(fourth).toEqual({ eventId: good.id, outcome: 'applied' });
      expect(await recorded(noEmail.id)).toBe(0);
      expect(await recorded(badEnvelope.id)).toBe(0);
    });

    it('stops at an unexpected error: answers the receipts before it and records nothing from it on', async () => {
      const member = await h.member();
      const events = ['booking.confirmed', 'booking.cancelled', 'refund.issued'].map((type) =>
        bookingEvent(type, { user: member.user }),
      );
      // the database fails on the second event (not a refusal: the relay must deliver it again)
      await h.sql(`
        CREATE FUNCTION test_fail_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.event_id = '${events[1]!.id}' THEN RAISE EXCEPTION 'simulated database failure'; END IF;
          RETURN NEW;
        END $$`);
      await h.sql(`CREATE TRIGGER test_fail_event BEFORE INSERT ON processed_events
                   FOR EACH ROW EXECUTE FUNCTION test_fail_event()`);
      try {
        const res = await h.deliverBatch(events);
        expect(res.status).toBe(200);
        expect(res.body.receipts).toEqual([{ eventId: events[0]!.id, outcome: 'applied' }]);
        expect(await recorded(events[1]!.id)).toBe(0);
        expect(await recorded(events[2]!.id)).toBe(0);

        // failing on the first event, nothing can be answered: 500 as from the single endpoint
        expectProblem(await h.deliverBatch(events.slice(1)), 500, 'INTERNAL_ERROR');
      } finally {
        await h.sql('DROP TRIGGER test_fail_event ON processed_events');
        await h.sql('DROP FUNCTION test_fail_event()');
      }

      const retried = await h.deliverBatch(events);
      expect(retried.body.receipts.map((r: { outcome: string }) => r.outcome)).toEqual([
        'duplicate',
        'applied',
        'applied',
      ]);
    });

    it.each<[string, unknown]>([
      ['no list', {}],
      ['a list that is not an array', { events: 'booking.confirmed' }],
      ['an empty list', { events: [] }],
      ['more than 200 events', { events: Array.from({ length: 201 }, () => bookingEvent('booking.created')) }],
      ['an unknown field', { events: [bookingEvent('booking.created')], priority: 'high' }],
    ])('refuses a body with %s: 400 VALIDATION_FAILED, nothing recorded', async (_what, body) => {
      const res = await h.app.post('/internal/events/batch', { token: await h.serviceToken(), body });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      const events = (body as { events?: unknown }).events;
      if (Array.isArray(events) && events[0]) expect(await recorded((events[0] as { id: string }).id)).toBe(0);
    });
  });
}
