import { jest } from '@jest/globals';
import type { TestResponse } from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { NotificationsRepository } from '../../src/notifications/notifications.repository.js';
import { bookingEvent, NOTIFYING, TestEvent, without } from '../support/events.js';
import { expectProblem, Member, NotificationServiceHarness } from '../support/harness.js';
import type { TestSmtpServer } from '../support/smtp-server.js';

/** POST /internal/events/batch: every event handled as the single endpoint would, one receipt each. */
export function eventBatchSuite(h: NotificationServiceHarness, smtp: () => TestSmtpServer): void {
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

    describe('in one transaction (the set-based fast path)', () => {
      const repository = () => h.app.app.get(NotificationsRepository);
      /** Watches which path the consumer takes: applyEvents (the batch) or applyEvent/recordIgnored (one by one). */
      const watchPaths = () => {
        const r = repository();
        return {
          together: jest.spyOn(r, 'applyEvents'),
          single: jest.spyOn(r, 'applyEvent'),
          ignored: jest.spyOn(r, 'recordIgnored'),
        };
      };
      afterEach(() => jest.restoreAllMocks());

      const setEmail = async (member: Member, emailEnabled: boolean) => {
        const res = await h.app.patch('/notifications/preferences', { token: member.token, body: { emailEnabled } });
        expect(res.status).toBe(200);
      };
      const outcomes = (res: TestResponse) => res.body.receipts.map((r: { outcome: string }) => r.outcome);

      /**
       * What the events left, without what is generated anew on each write (ids, times): their
       * processed_events rows and their notifications, with the times only checked for shape
       * (created_at = updated_at as Prisma writes them; an email due at once, an in-app row never).
       */
      const stored = async (ids: string[]) => ({
        processed: await h.sql(
          'SELECT event_id::text, type, source FROM processed_events WHERE event_id = ANY($1::uuid[]) ORDER BY event_id',
          [ids],
        ),
        notifications: await h.sql(
          `SELECT user_id::text, event_id::text, booking_id::text, type::text, channel::text, status::text, title, body,
                  html, recipient, read_at, attempts, sent_at, last_error,
                  created_at = updated_at AS same_times,
                  CASE WHEN next_attempt_at IS NULL THEN 'never'
                       WHEN next_attempt_at <= created_at AND next_attempt_at > now() - interval '1 minute' THEN 'at once'
                       ELSE next_attempt_at::text END AS due,
                  EXISTS (SELECT FROM notification_attempts a WHERE a.notification_id = n.id) AS attempted
             FROM notifications n WHERE event_id = ANY($1::uuid[]) ORDER BY event_id, channel`,
          [ids],
        ),
      });
      const forget = async (ids: string[]) => {
        await h.sql('DELETE FROM notifications WHERE event_id = ANY($1::uuid[])', [ids]);
        await h.sql('DELETE FROM processed_events WHERE event_id = ANY($1::uuid[])', [ids]);
      };
      /** What the single endpoint answered, as a batch receipt. */
      const asReceipt = (event: { id: string }, res: TestResponse) =>
        res.status === 200
          ? res.body
          : {
              eventId: event.id,
              outcome: 'rejected',
              status: res.status,
              code: res.body.code,
              detail: res.body.detail,
            };

      it('leaves the same rows and answers the same receipts as delivering the events one by one', async () => {
        const [member, emailOff, emailOn] = [await h.member(), await h.member(), await h.member()];
        await setEmail(emailOff, false);
        await setEmail(emailOn, true);
        const bookingId = randomUUID();
        const events: TestEvent[] = [
          bookingEvent('booking.created', { user: member.user, bookingId }),
          bookingEvent('booking.confirmed', { user: member.user, bookingId }),
          ...NOTIFYING.slice(1).map(([type]) => bookingEvent(type, { user: member.user })),
          bookingEvent('booking.confirmed', { user: emailOff.user }),
          bookingEvent('refund.issued', { user: emailOn.user }),
          bookingEvent('booking.deleted', { user: member.user }),
          { ...bookingEvent('booking.created', { user: member.user }), type: 'booking.archived', version: 7 },
          bookingEvent('booking.cancelled', { user: member.user, version: 2 }),
          without(bookingEvent('booking.rescheduled', { user: member.user }), 'previous'),
          bookingEvent('booking.confirmed', { user: member.user, payload: { workspace: { name: 'Ørsted & <Co>' } } }),
        ];
        // the same event twice within the batch (uuids are compared case-insensitively)
        events.push({ ...events[1]!, id: events[1]!.id.toUpperCase() });
        const ids = events.map((e) => e.id);

        const oneByOne = [];
        for (const event of events) oneByOne.push(asReceipt(event, await h.deliver(event)));
        const rowsOneByOne = await stored(ids);
        await forget(ids);
        const paths = watchPaths();
        const batch = await h.deliverBatch(events);

        expect(batch.status).toBe(200);
        expect(batch.body.receipts).toEqual(oneByOne);
        expect(await stored(ids)).toEqual(rowsOneByOne);
        expect(paths.together).toHaveBeenCalledTimes(1);
        expect(paths.single).not.toHaveBeenCalled();
        expect(paths.ignored).not.toHaveBeenCalled();
        // and what is compared is what it should be
        expect(outcomes(batch)).toEqual([
          'ignored',
          ...Array(6).fill('applied'),
          'applied',
          'applied',
          'ignored',
          'ignored',
          'rejected',
          'rejected',
          'applied',
          'duplicate',
        ]);
        expect(rowsOneByOne.processed).toHaveLength(12);
        // 8 events for users with email on make two rows each; the one for the user with email off, one
        expect(rowsOneByOne.notifications).toHaveLength(17);
        expect(new Set(rowsOneByOne.notifications.map((n) => `${n.same_times} ${n.channel} ${n.due}`))).toEqual(
          new Set(['true IN_APP never', 'true EMAIL at once']),
        );
      });

      it('answers applied, ignored, duplicate, 422 and 400 in order, and writes nothing for the refused events', async () => {
        const member = await h.member();
        const earlier = bookingEvent('refund.issued', { user: member.user });
        expect((await h.deliver(earlier)).body.outcome).toBe('applied');
        const events = [
          bookingEvent('booking.confirmed', { user: member.user }),
          bookingEvent('booking.created', { user: member.user }),
          earlier,
          bookingEvent('booking.cancelled', { user: member.user, version: 2 }),
          without(bookingEvent('payment.failed', { user: member.user }), 'declineCode'),
          { ...bookingEvent('booking.confirmed', { user: member.user }), sequence: 0 },
          bookingEvent('booking.expired', { user: member.user }),
        ];
        const paths = watchPaths();

        const res = await h.deliverBatch(events);

        expect(res.status).toBe(200);
        const receipts = res.body.receipts;
        expect(receipts.slice(0, 4)).toEqual([
          { eventId: events[0]!.id, outcome: 'applied' },
          { eventId: events[1]!.id, outcome: 'ignored' },
          { eventId: events[2]!.id, outcome: 'duplicate' },
          {
            eventId: events[3]!.id,
            outcome: 'rejected',
            status: 422,
            code: 'UNSUPPORTED_EVENT_VERSION',
            detail: 'booking.cancelled version 2 is not supported (this consumer reads version 1)',
          },
        ]);
        expect(receipts[4]).toEqual({
          eventId: events[4]!.id,
          outcome: 'rejected',
          status: 400,
          code: 'VALIDATION_FAILED',
          detail: expect.stringContaining('payload.declineCode'),
        });
        expect(receipts[5]).toMatchObject({ eventId: events[5]!.id, outcome: 'rejected', status: 400 });
        expect(receipts[5].detail).toContain('sequence');
        expect(receipts[6]).toEqual({ eventId: events[6]!.id, outcome: 'applied' });
        for (const refused of events.slice(3, 6)) {
          expect(await recorded(refused.id)).toBe(0);
          expect(await h.count('notifications', 'event_id = $1', [refused.id])).toBe(0);
        }
        expect(await recorded(events[1]!.id)).toBe(1);
        // refund.issued before, then confirmed and expired: an in-app and an email each
        expect(await h.count('notifications', 'user_id = $1', [member.id])).toBe(6);
        expect(paths.together).toHaveBeenCalledTimes(1);
        expect(paths.single).not.toHaveBeenCalled();
      });

      it('answers duplicate for every event of a batch delivered again, in one transaction, and changes nothing', async () => {
        const member = await h.member();
        const events = [
          bookingEvent('booking.created', { user: member.user }),
          bookingEvent('booking.confirmed', { user: member.user }),
          bookingEvent('booking.rescheduled', { user: member.user }),
          bookingEvent('booking.deleted', { user: member.user }),
        ];
        const ids = events.map((e) => e.id);
        expect(outcomes(await h.deliverBatch(events))).toEqual(['ignored', 'applied', 'applied', 'ignored']);
        const before = {
          rows: await h.sql('SELECT * FROM notifications WHERE event_id = ANY($1::uuid[]) ORDER BY id', [ids]),
          processed: await h.sql('SELECT * FROM processed_events WHERE event_id = ANY($1::uuid[]) ORDER BY 1', [ids]),
        };
        const paths = watchPaths();

        const again = await h.deliverBatch(events);

        expect(again.status).toBe(200);
        expect(again.body.receipts).toEqual(events.map((e) => ({ eventId: e.id, outcome: 'duplicate' })));
        expect({
          rows: await h.sql('SELECT * FROM notifications WHERE event_id = ANY($1::uuid[]) ORDER BY id', [ids]),
          processed: await h.sql('SELECT * FROM processed_events WHERE event_id = ANY($1::uuid[]) ORDER BY 1', [ids]),
        }).toEqual(before);
        expect(paths.together).toHaveBeenCalledTimes(1);
        expect(paths.single).not.toHaveBeenCalled();
        expect(paths.ignored).not.toHaveBeenCalled();
      });

      it('makes the in-app notification and no email for a user with email off, and the dispatcher sends the others', async () => {
        const [off, on] = [await h.member(), await h.member()];
        await setEmail(off, false);
        const events = [
          bookingEvent('booking.confirmed', { user: off.user }),
          bookingEvent('booking.confirmed', { user: on.user }),
          bookingEvent('payment.failed', { user: off.user }),
          bookingEvent('booking.cancelled', { user: on.user }),
        ];

        const res = await h.deliverBatch(events);

        expect(outcomes(res)).toEqual(['applied', 'applied', 'applied', 'applied']);
        expect((await h.rowsOf(events[0]!)).map((r) => r.channel)).toEqual(['IN_APP']);
        expect((await h.rowsOf(events[2]!)).map((r) => r.channel)).toEqual(['IN_APP']);
        const emails = [(await h.emailOf(events[1]!))!, (await h.emailOf(events[3]!))!];
        expect(emails.map((e) => [e.status, e.recipient, e.attempts])).toEqual([
          ['PENDING', on.user.email, 0],
          ['PENDING', on.user.email, 0],
        ]);

        await h.drainMail();

        expect(smtp().to(off.user.email)).toEqual([]);
        const received = smtp().to(on.user.email);
        expect(received.map((m) => m.messageId).sort()).toEqual(emails.map((e) => `<${e.id}@cowork.local>`).sort());
        expect(received.map((m) => m.subject).sort()).toEqual(emails.map((e) => e.title).sort());
        for (const email of emails)
          expect((await h.emailOf(events[emails.indexOf(email) * 2 + 1]!))!.status).toBe('SENT');
      });

      it('applies each event once when overlapping batches arrive at the same time, in different orders', async () => {
        const member = await h.member();
        const events = Array.from({ length: 10 }, (_, i) =>
          bookingEvent(i % 2 ? 'booking.created' : 'booking.confirmed', { user: member.user }),
        );
        const orders = [events, [...events].reverse(), [...events.slice(5), ...events.slice(0, 5)], events, events];

        const paths = watchPaths();

        const answers = await Promise.all(orders.map((order) => h.deliverBatch(order)));

        expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
        for (const event of events) {
          const answered = answers.flatMap((a) =>
            a.body.receipts
              .filter((r: { eventId: string }) => r.eventId === event.id)
              .map((r: { outcome: string }) => r.outcome),
          );
          const once = event.type === 'booking.created' ? 'ignored' : 'applied';
          expect(answered.sort()).toEqual([once, ...Array(4).fill('duplicate')].sort());
          expect(await recorded(event.id)).toBe(1);
        }
        expect(await h.count('notifications', "user_id = $1 AND channel = 'IN_APP'", [member.id])).toBe(5);
        expect(await h.count('notifications', "user_id = $1 AND channel = 'EMAIL'", [member.id])).toBe(5);
        // the ids are recorded in one order whatever the batch's order, so the batches do not deadlock
        expect(paths.single).not.toHaveBeenCalled();
      });

      /** Runs `run` while the first statement inserting into processed_events fails with `raise` (PL/pgSQL). */
      const whileFirstInsertFails = async (raise: string, run: () => Promise<void>) => {
        await h.sql('CREATE SEQUENCE test_first_insert');
        await h.sql(`
          CREATE FUNCTION test_first_insert() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF nextval('test_first_insert') = 1 THEN
              ${raise};
            END IF;
            RETURN NULL;
          END $$`);
        await h.sql(`CREATE TRIGGER test_first_insert BEFORE INSERT ON processed_events
                     FOR EACH STATEMENT EXECUTE FUNCTION test_first_insert()`);
        try {
          await run();
        } finally {
          await h.sql('DROP TRIGGER test_first_insert ON processed_events');
          await h.sql('DROP FUNCTION test_first_insert()');
          await h.sql('DROP SEQUENCE test_first_insert');
        }
      };

      it('runs the transaction again when the database rolls it back as a serialization failure', async () => {
        const member = await h.member();
        const events = [
          bookingEvent('booking.confirmed', { user: member.user }),
          bookingEvent('booking.created', { user: member.user }),
        ];
        // the first batch statement fails as if a concurrent transaction had got in its way; the rerun passes
        const paths = watchPaths();
        await whileFirstInsertFails(
          `RAISE EXCEPTION 'simulated serialization failure' USING ERRCODE = 'serialization_failure'`,
          async () => {
            const res = await h.deliverBatch(events);

            expect(outcomes(res)).toEqual(['applied', 'ignored']);
          },
        );
        expect(paths.together).toHaveBeenCalledTimes(1);
        expect(paths.single).not.toHaveBeenCalled();
        expect(await h.count('notifications', 'event_id = $1', [events[0]!.id])).toBe(2);
      });

      it.each([
        ['processed_events_pkey', 'simulated twin'],
        ['notifications_event_id_channel_key', 'simulated violation, whose text mentions processed_events'],
      ])(
        'runs the transaction again on a unique violation only when its constraint is processed_events_pkey (here %s)',
        async (constraint, message) => {
          const member = await h.member();
          const events = [
            bookingEvent('booking.confirmed', { user: member.user }),
            bookingEvent('booking.created', { user: member.user }),
          ];
          // the first batch statement fails with a unique violation naming `constraint`, as a twin
          // recording one of its ids first makes it fail with processed_events_pkey
          const paths = watchPaths();
          await whileFirstInsertFails(
            `RAISE EXCEPTION '${message}' USING ERRCODE = 'unique_violation', CONSTRAINT = '${constraint}'`,
            async () => {
              const res = await h.deliverBatch(events);

              expect(outcomes(res)).toEqual(['applied', 'ignored']);
            },
          );
          // PostgreSQL's driver passes the constraint's name on, and it alone decides, whatever the
          // text; PGlite's Prisma adapter keeps none, and there the text decides
          const rerun =
            h.db.kind === 'postgres' ? constraint === 'processed_events_pkey' : message.includes('processed_events');
          expect(paths.together).toHaveBeenCalledTimes(1);
          // run again, the batch goes through; not run again, it fails and its events are taken one by one
          expect(paths.single).toHaveBeenCalledTimes(rerun ? 0 : 1);
          expect(await h.count('notifications', 'event_id = $1', [events[0]!.id])).toBe(2);
        },
      );

      it('takes the events one by one when the batch transaction fails: the others applied, the failing one held back', async () => {
        const member = await h.member();
        const poison = bookingEvent('booking.cancelled', { user: member.user });
        const events = [
          bookingEvent('booking.confirmed', { user: member.user }),
          bookingEvent('booking.created', { user: member.user }),
          poison,
        ];
        await h.sql(`
          CREATE FUNCTION test_fail_batch() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.event_id = '${poison.id}' THEN RAISE EXCEPTION 'simulated database failure'; END IF;
            RETURN NEW;
          END $$`);
        await h.sql(`CREATE TRIGGER test_fail_batch BEFORE INSERT ON processed_events
                     FOR EACH ROW EXECUTE FUNCTION test_fail_batch()`);
        const paths = watchPaths();
        try {
          const res = await h.deliverBatch(events);

          expect(res.status).toBe(200);
          expect(res.body.receipts).toEqual([
            { eventId: events[0]!.id, outcome: 'applied' },
            { eventId: events[1]!.id, outcome: 'ignored' },
          ]);
          expect(await recorded(poison.id)).toBe(0);
          expect(await h.count('notifications', 'event_id = $1', [poison.id])).toBe(0);
          expect(await h.count('notifications', 'event_id = $1', [events[0]!.id])).toBe(2);
          expect(paths.together).toHaveBeenCalledTimes(1); // tried once (not a conflict: not run again), then one by one
          expect(paths.single.mock.calls.map(([event]) => event.id)).toEqual([events[0]!.id, poison.id]);
          expect(paths.ignored).toHaveBeenCalledTimes(1);
        } finally {
          await h.sql('DROP TRIGGER test_fail_batch ON processed_events');
          await h.sql('DROP FUNCTION test_fail_batch()');
        }

        const retried = await h.deliverBatch(events);
        expect(outcomes(retried)).toEqual(['duplicate', 'duplicate', 'applied']);
      });

      it('answers duplicate for an event whose notification exists though its id was never recorded, as alone', async () => {
        const member = await h.member();
        const twin = bookingEvent('booking.confirmed', { user: member.user });
        const fresh = bookingEvent('booking.cancelled', { user: member.user });
        await h.sql(
          `INSERT INTO notifications (id, user_id, event_id, booking_id, type, channel, status, title, body, updated_at)
           VALUES (gen_random_uuid(), $1, $2, $3, 'BOOKING_CONFIRMED', 'IN_APP', 'DELIVERED', 'earlier', 'earlier', now())`,
          [member.id, twin.id, twin.aggregateId],
        );

        const res = await h.deliverBatch([twin, fresh]);

        expect(res.body.receipts).toEqual([
          { eventId: twin.id, outcome: 'duplicate' },
          { eventId: fresh.id, outcome: 'applied' },
        ]);
        expect((await h.rowsOf(twin)).map((r) => r.title)).toEqual(['earlier']);
        expect(await recorded(twin.id)).toBe(0);
      });
    });
  });
}
