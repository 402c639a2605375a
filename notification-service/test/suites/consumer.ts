import { bookingEvent, NOTIFYING, without } from '../support/events.js';
import { expectProblem, NotificationServiceHarness, violatedFields } from '../support/harness.js';

/** POST /internal/events: the contract every consumer of booking-service's relay keeps. */
export function consumerSuite(h: NotificationServiceHarness): void {
  describe('consuming booking events', () => {
    const recorded = (eventId: string) => h.count('processed_events', 'event_id = $1', [eventId]);

    it.each(NOTIFYING)('applies %s: an in-app notification and a pending email (%s)', async (eventType, type) => {
      const member = await h.member();
      const event = bookingEvent(eventType, { user: member.user });

      const res = await h.deliver(event);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ eventId: event.id, outcome: 'applied' });
      const rows = await h.rowsOf(event);
      expect(rows.map((r) => [r.channel, r.status, r.type])).toEqual([
        ['IN_APP', 'DELIVERED', type],
        ['EMAIL', 'PENDING', type],
      ]);
      for (const row of rows) {
        expect(row).toMatchObject({ user_id: member.id, booking_id: event.aggregateId });
        expect(row.title).toContain('Lovelace Room');
      }
      const [inApp, email] = rows;
      expect(inApp).toMatchObject({ recipient: null, html: null, attempts: 0, next_attempt_at: null });
      expect(email).toMatchObject({ recipient: member.user.email, attempts: 0 });
      expect(email!.html).toContain('<!DOCTYPE html>');
      expect(email!.body).toContain('Hi Ada Lovelace,');
      expect(email!.next_attempt_at!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await recorded(event.id)).toBe(1);
    });

    it('changes nothing when an event is delivered again', async () => {
      const member = await h.member();
      const event = bookingEvent('booking.cancelled', { user: member.user });
      expect((await h.deliver(event)).body.outcome).toBe('applied');
      const before = await h.rowsOf(event);

      const again = await h.deliver(event);

      expect(again.status).toBe(200);
      expect(again.body).toEqual({ eventId: event.id, outcome: 'duplicate' });
      expect(await h.rowsOf(event)).toEqual(before);
      expect(await h.count('notifications', 'user_id = $1', [member.id])).toBe(2);
      expect(await recorded(event.id)).toBe(1);
    });

    it('applies one of 20 concurrent deliveries of an event; the others answer 200 duplicate', async () => {
      const member = await h.member();
      const event = bookingEvent('booking.confirmed', { user: member.user });

      const answers = await Promise.all(Array.from({ length: 20 }, () => h.deliver(event)));

      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      const outcomes = answers.map((a) => a.body.outcome).sort();
      expect(outcomes).toEqual(['applied', ...Array(19).fill('duplicate')]);
      expect(await h.count('notifications', "event_id = $1 AND channel = 'IN_APP'", [event.id])).toBe(1);
      expect(await h.count('notifications', "event_id = $1 AND channel = 'EMAIL'", [event.id])).toBe(1);
      expect(await recorded(event.id)).toBe(1);
    });

    it('answers duplicate, not 500, when the unique (event_id, channel) index catches a twin', async () => {
      // the second line of defence: a notification of this event exists though its id was never recorded
      const member = await h.member();
      const event = bookingEvent('booking.confirmed', { user: member.user });
      await h.sql(
        `INSERT INTO notifications (id, user_id, event_id, booking_id, type, channel, status, title, body, updated_at)
         VALUES (gen_random_uuid(), $1, $2, $3, 'BOOKING_CONFIRMED', 'IN_APP', 'DELIVERED', 'earlier', 'earlier', now())`,
        [member.id, event.id, event.aggregateId],
      );

      const res = await h.deliver(event);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ eventId: event.id, outcome: 'duplicate' });
      expect((await h.rowsOf(event)).map((r) => r.title)).toEqual(['earlier']);
    });

    it('refuses a known type in version 2 with 422 and records nothing; version 1 of it applies later', async () => {
      const event = bookingEvent('booking.confirmed', { version: 2 });

      const res = await h.deliver(event);

      expectProblem(res, 422, 'UNSUPPORTED_EVENT_VERSION');
      expect(res.body).toMatchObject({ eventType: 'booking.confirmed', version: 2, supportedVersion: 1 });
      expect(await recorded(event.id)).toBe(0);
      expect(await h.count('notifications', 'event_id = $1', [event.id])).toBe(0);
      // the relay re-drives it once the producer sends a version this consumer reads
      expect((await h.deliver({ ...event, version: 1 })).body.outcome).toBe('applied');
    });

    it('refuses version 2 of a type it ignores too, since the type is known', async () => {
      const event = bookingEvent('booking.created', { version: 2 });
      expectProblem(await h.deliver(event), 422, 'UNSUPPORTED_EVENT_VERSION');
      expect(await recorded(event.id)).toBe(0);
    });

    it.each(['booking.created', 'booking.deleted'])(
      'records %s and answers ignored, notifying nobody',
      async (type) => {
        const member = await h.member();
        const event = bookingEvent(type, { user: member.user });

        const res = await h.deliver(event);

        expect(res.status).toBe(200);
        expect(res.body).toEqual({ eventId: event.id, outcome: 'ignored' });
        expect(await recorded(event.id)).toBe(1);
        expect(await h.count('notifications', 'user_id = $1', [member.id])).toBe(0);
        expect((await h.deliver(event)).body.outcome).toBe('duplicate');
      },
    );

    it('records an event type it does not know, in any version, as ignored', async () => {
      const event = { ...bookingEvent('booking.confirmed'), type: 'workspace.archived', version: 7 };
      expect((await h.deliver(event)).body).toEqual({ eventId: event.id, outcome: 'ignored' });
      expect(await recorded(event.id)).toBe(1);
    });

    it.each<[string, string, (e: ReturnType<typeof bookingEvent>) => unknown, string]>([
      ['no user email', 'booking.confirmed', (e) => without(e, 'user.email'), 'payload.user.email'],
      [
        'a malformed email',
        'booking.confirmed',
        (e) => ({ ...e, payload: { ...e.payload, user: { ...e.payload.user, email: 'ada' } } }),
        'payload.user.email',
      ],
      ['no booking', 'booking.expired', (e) => without(e, 'booking'), 'payload.booking'],
      ['no start time', 'booking.confirmed', (e) => without(e, 'booking.startTime'), 'payload.booking.startTime'],
      [
        'a start time without offset',
        'booking.confirmed',
        (e) => ({
          ...e,
          payload: { ...e.payload, booking: { ...e.payload.booking, startTime: '2026-11-30T09:00:00' } },
        }),
        'payload.booking.startTime',
      ],
      [
        'an end before the start',
        'booking.confirmed',
        (e) => ({
          ...e,
          payload: { ...e.payload, booking: { ...e.payload.booking, endTime: '2026-11-30T08:00:00.000Z' } },
        }),
        'payload.booking.endTime',
      ],
      [
        'a fractional price',
        'booking.confirmed',
        (e) => ({ ...e, payload: { ...e.payload, booking: { ...e.payload.booking, priceCents: 10.5 } } }),
        'payload.booking.priceCents',
      ],
      [
        'a lower-case currency',
        'booking.confirmed',
        (e) => ({ ...e, payload: { ...e.payload, booking: { ...e.payload.booking, currency: 'eur' } } }),
        'payload.booking.currency',
      ],
      [
        'an unknown time zone',
        'booking.confirmed',
        (e) => ({
          ...e,
          payload: { ...e.payload, workspace: { ...e.payload.workspace, timezone: 'Mars/Olympus_Mons' } },
        }),
        'payload.workspace.timezone',
      ],
      [
        'malformed opening hours',
        'booking.confirmed',
        (e) => ({
          ...e,
          payload: {
            ...e.payload,
            workspace: { ...e.payload.workspace, openingHours: [{ day: 9, open: '8', close: '20:00' }] },
          },
        }),
        'payload.workspace.openingHours',
      ],
      ['no workspace name', 'booking.confirmed', (e) => without(e, 'workspace.name'), 'payload.workspace.name'],
      ['no previous times on a reschedule', 'booking.rescheduled', (e) => without(e, 'previous'), 'payload.previous'],
      [
        'no previous price on a reschedule',
        'booking.rescheduled',
        (e) => without(e, 'previous.priceCents'),
        'payload.previous.priceCents',
      ],
      [
        'no decline code on a failed payment',
        'payment.failed',
        (e) => without(e, 'declineCode'),
        'payload.declineCode',
      ],
      ['no refund amount on a refund', 'refund.issued', (e) => without(e, 'refundCents'), 'payload.refundCents'],
      [
        'a zero refund on a refund',
        'refund.issued',
        (e) => ({ ...e, payload: { ...e.payload, refundCents: 0 } }),
        'payload.refundCents',
      ],
      [
        'no refund amount on a cancellation',
        'booking.cancelled',
        (e) => without(e, 'refundCents'),
        'payload.refundCents',
      ],
      [
        'a booking id other than the aggregate',
        'booking.confirmed',
        (e) => ({ ...e, aggregateId: '5d0e2a34-1111-4222-8333-944455556666' }),
        'payload.booking.id',
      ],
    ])('refuses a payload with %s: 400 naming the field, nothing recorded', async (_what, type, spoil, field) => {
      const event = spoil(bookingEvent(type)) as { id: string };

      const res = await h.deliver(event);

      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
      expect(await recorded(event.id)).toBe(0);
      expect(await h.count('notifications', 'event_id = $1', [event.id])).toBe(0);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['no id', { id: undefined }, 'id'],
      ['an id that is not a UUID', { id: 'evt-1' }, 'id'],
      ['a version that is not an integer', { version: 'one' }, 'version'],
      ['no payload', { payload: undefined }, 'payload'],
      ['an unknown envelope field', { priority: 'high' }, 'priority'],
    ])('refuses an envelope with %s: 400 naming it', async (_what, change, field) => {
      const res = await h.deliver({ ...bookingEvent('booking.confirmed'), ...change });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
    });

    it('accepts only service tokens: a member or an admin gets 403, no token 401', async () => {
      const event = bookingEvent('booking.confirmed');
      const member = await h.member();
      const admin = await h.admin();
      expectProblem(await h.deliver(event, member.token), 403, 'FORBIDDEN');
      expectProblem(await h.deliver(event, admin.token), 403, 'FORBIDDEN');
      expectProblem(await h.app.post('/internal/events', { body: event }), 401, 'UNAUTHENTICATED');
      expect(await recorded(event.id)).toBe(0);
    });
  });
}
