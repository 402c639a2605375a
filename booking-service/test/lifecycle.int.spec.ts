import { randomUUID } from 'node:crypto';
import { Booking, BookingHarness, everyDay, expectProblem, range, slot } from './support/booking-app.js';

type Actor = { token: string; user: { id: string; email: string; fullName: string } };

/**
 * The booking lifecycle over HTTP: get, list, confirm, cancel, reschedule, delete, each with
 * its retry behaviour, what it frees, and the events it leaves in the outbox.
 */
describe('booking lifecycle (integration)', () => {
  let h: BookingHarness;
  let owner: Actor;
  let other: Actor;
  let admin: Actor;

  beforeAll(async () => {
    // held() makes payment-service fail on purpose; no circuit should open over it here
    h = await BookingHarness.start({ CIRCUIT_BREAKER_THRESHOLD: '1000' });
    owner = await h.member({ fullName: 'Olga Owner' });
    other = await h.member();
    admin = await h.admin();
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = (id: string, token = owner.token) => h.app.get(`/bookings/${id}`, { token });
  const confirm = (id: string, token = owner.token) => h.app.post(`/bookings/${id}/confirm`, { token });
  const cancel = (id: string, token = owner.token) => h.app.post(`/bookings/${id}/cancel`, { token });
  const reschedule = (id: string, body: Record<string, unknown>, token = owner.token) =>
    h.app.patch(`/bookings/${id}`, { token, body });
  const remove = (id: string, token = admin.token) => h.app.delete(`/bookings/${id}`, { token });
  const events = (id: string) =>
    h.prisma.outboxEvent.findMany({ where: { aggregateId: id }, orderBy: { position: 'asc' } });
  const eventTypes = async (id: string) => (await events(id)).map((e) => e.type);
  /** A fresh workspace and a booking of `owner` there: charged at once, so CONFIRMED. */
  const confirmed = async (hoursAhead = 24, hours = 1, workspace = {}) => {
    const ws = h.workspace(workspace);
    const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(hoursAhead, hours) });
    return { ws, booking };
  };
  /** Books while payment-service is failing: 202, the booking PENDING (held); payment-service back after. */
  const heldBooking = async (token: string, body: Record<string, unknown>): Promise<Booking> => {
    h.downstreams.paymentService.mode = 'error';
    try {
      const res = await h.book(token, body);
      if (res.status !== 202) throw new Error(`booking answered ${res.status}: ${res.text}`);
      return res.body as Booking;
    } finally {
      h.downstreams.paymentService.reset();
    }
  };
  /** A fresh workspace and a PENDING booking of `owner` there (its charge not settled yet). */
  const held = async (hoursAhead = 24, hours = 1) => {
    const ws = h.workspace();
    return { ws, booking: await heldBooking(owner.token, { workspaceId: ws.id, ...slot(hoursAhead, hours) }) };
  };
  const chargesOf = (id: string) => h.downstreams.ledger.charges.filter((c) => c.bookingId === id);
  const refundsOf = (id: string) => h.downstreams.ledger.refunds.filter((r) => r.bookingId === id);

  describe('GET /bookings/:id', () => {
    it('shows the owner and an admin the booking; to another member and for an unknown id it does not exist', async () => {
      const { booking } = await confirmed();
      for (const token of [owner.token, admin.token]) {
        const res = await get(booking.id, token);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(booking);
      }
      expectProblem(await get(booking.id, other.token), 404, 'BOOKING_NOT_FOUND');
      expectProblem(await get(randomUUID()), 404, 'BOOKING_NOT_FOUND');
    });

    it('has the full shape', async () => {
      const { ws, booking } = await confirmed();
      expect(booking).toEqual({
        id: expect.any(String),
        userId: owner.user.id,
        workspaceId: ws.id,
        startTime: expect.stringMatching(/Z$/),
        endTime: expect.stringMatching(/Z$/),
        attendees: 1,
        status: 'CONFIRMED',
        priceCents: 1000,
        currency: 'EUR',
        version: 2,
        confirmedAt: expect.any(String),
        cancelledAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('shows a booking whose charge has not settled as PENDING, version 1, not confirmed', async () => {
      const { booking } = await held();
      expect(booking).toMatchObject({ status: 'PENDING', version: 1, confirmedAt: null, cancelledAt: null });
      expect((await get(booking.id)).body).toEqual(booking);
    });
  });

  describe('POST /bookings/:id/confirm', () => {
    it('confirms a PENDING booking once (its charge retried); a repeat returns it unchanged, no second event', async () => {
      const { booking } = await held();
      const first = await confirm(booking.id);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'CONFIRMED', version: 2, confirmedAt: expect.any(String) });
      const again = await confirm(booking.id);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed']);
      expect(chargesOf(booking.id)).toEqual([{ key: booking.id, bookingId: booking.id, amountCents: 1000 }]);
    });

    it('returns a booking confirmed at creation unchanged (no charge, no event)', async () => {
      const { booking } = await confirmed();
      const res = await confirm(booking.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(booking);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed']);
      expect(chargesOf(booking.id)).toHaveLength(1);
    });

    it('lets an admin confirm a member booking; the event names the admin as actor', async () => {
      const { booking } = await held();
      expect((await confirm(booking.id, admin.token)).body.status).toBe('CONFIRMED');
      const [, confirmedEvent] = await events(booking.id);
      expect((confirmedEvent!.payload as any).actorId).toBe(admin.user.id);
    });

    it('refuses to confirm a CANCELLED booking with 409 INVALID_BOOKING_STATE', async () => {
      const { booking } = await confirmed();
      await cancel(booking.id);
      const res = await confirm(booking.id);
      expectProblem(res, 409, 'INVALID_BOOKING_STATE');
      expect(res.body).toMatchObject({ status: 409, bookingStatus: 'CANCELLED' });
      expect((await get(booking.id)).body.status).toBe('CANCELLED');
    });
  });

  describe('POST /bookings/:id/cancel', () => {
    it('cancels once (refunding in full a day ahead); a repeat returns it unchanged, no second event or refund', async () => {
      const { booking } = await confirmed(48);
      const first = await cancel(booking.id);
      expect(first.status).toBe(200);
      // cancelled (3), then the refund recorded (4)
      expect(first.body).toMatchObject({ status: 'CANCELLED', version: 4, cancelledAt: expect.any(String) });
      const again = await cancel(booking.id);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await eventTypes(booking.id)).toEqual([
        'booking.created',
        'booking.confirmed',
        'booking.cancelled',
        'refund.issued',
      ]);
      expect(refundsOf(booking.id).map((r) => r.amountCents)).toEqual([1000]);
    });

    it('cancels a PENDING booking without a refund (nothing was captured) and frees its slot', async () => {
      const { ws, booking } = await held(26);
      const res = await cancel(booking.id);
      expect(res.body).toMatchObject({ status: 'CANCELLED', version: 2 });
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.cancelled']);
      const [, cancelledEvent] = await events(booking.id);
      expect((cancelledEvent!.payload as any).refundCents).toBe(0);
      expect(refundsOf(booking.id)).toEqual([]);
      const slotOf = { workspaceId: ws.id, startTime: booking.startTime, endTime: booking.endTime };
      expect((await h.book(other.token, slotOf)).status).toBe(201);
    });

    it('frees the slot: another member can then book exactly that time', async () => {
      const { ws, booking } = await confirmed(30, 2);
      const slotOf = { workspaceId: ws.id, startTime: booking.startTime, endTime: booking.endTime };
      expectProblem(await h.book(other.token, slotOf), 409, 'BOOKING_CONFLICT');
      expect((await cancel(booking.id)).body.status).toBe('CANCELLED');
      const theirs = await h.book(other.token, slotOf);
      expect(theirs.status).toBe(201);
      expect(theirs.body.userId).toBe(other.user.id);
    });

    it('lets an admin cancel a member booking; the event names the admin as actor', async () => {
      const { booking } = await confirmed();
      expect((await cancel(booking.id, admin.token)).body.status).toBe('CANCELLED');
      const [, , cancelled, refunded] = await events(booking.id);
      expect((cancelled!.payload as any).actorId).toBe(admin.user.id);
      expect((refunded!.payload as any).actorId).toBe(admin.user.id);
    });

    it('ends 10 concurrent cancels of one booking in one state change and one refund: all 200 CANCELLED', async () => {
      const { booking } = await confirmed(48);
      const responses = await Promise.all(Array.from({ length: 10 }, () => cancel(booking.id)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(responses.every((r) => r.body.status === 'CANCELLED')).toBe(true);
      // each answer is the cancelled booking, before (3) or after (4) its refund was recorded
      expect(responses.every((r) => [3, 4].includes(r.body.version))).toBe(true);
      expect((await get(booking.id)).body.version).toBe(4);
      expect(await eventTypes(booking.id)).toEqual([
        'booking.created',
        'booking.confirmed',
        'booking.cancelled',
        'refund.issued',
      ]);
      expect(refundsOf(booking.id).map((r) => r.amountCents)).toEqual([1000]);
    });
  });

  describe('PATCH /bookings/:id (reschedule)', () => {
    it('moves into its own overlapping range (30 min later): repriced, version bumped, old slot freed', async () => {
      const { ws, booking } = await confirmed(40, 1, { hourlyRateCents: 1200 });
      const later = range(new Date(Date.parse(booking.startTime) + 30 * 60_000).toISOString(), 90);
      const res = await reschedule(booking.id, later);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ...later, priceCents: 1800, version: 3, status: 'CONFIRMED' });
      // the difference was charged, once
      expect(chargesOf(booking.id).map((c) => [c.key, c.amountCents])).toEqual([
        [booking.id, 1200],
        [`reschedule:${booking.id}:2`, 600],
      ]);
      const row = await h.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
      expect(row.startTime.toISOString()).toBe(later.startTime);
      // the first half hour it held is free again
      expect((await h.book(other.token, { workspaceId: ws.id, ...range(booking.startTime, 30) })).status).toBe(201);
    });

    it('refuses a move into another booking with 409 BOOKING_CONFLICT and changes nothing', async () => {
      const { ws, booking } = await confirmed(50);
      const theirs = await h.booked(other.token, { workspaceId: ws.id, ...slot(52) });
      const res = await reschedule(booking.id, { startTime: theirs.startTime, endTime: theirs.endTime });
      expectProblem(res, 409, 'BOOKING_CONFLICT');
      expect((await get(booking.id)).body).toEqual(booking);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed']);
    });

    it('returns the booking unchanged when asked for the times it already has (no event)', async () => {
      const { booking } = await confirmed();
      const res = await reschedule(booking.id, { startTime: booking.startTime, endTime: booking.endTime });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(booking);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed']);
    });

    it('takes only a new end (or only a new start), keeping the other, and keeps a CONFIRMED booking confirmed', async () => {
      const { booking } = await confirmed(60);
      const longer = new Date(Date.parse(booking.endTime) + 3_600_000).toISOString();
      const res = await reschedule(booking.id, { endTime: longer });
      expect(res.body).toMatchObject({
        startTime: booking.startTime,
        endTime: longer,
        priceCents: 2000,
        status: 'CONFIRMED',
      });
      const earlier = new Date(Date.parse(booking.startTime) - 1_800_000).toISOString();
      const res2 = await reschedule(booking.id, { startTime: earlier });
      expect(res2.body).toMatchObject({ startTime: earlier, endTime: longer, priceCents: 2500, version: 4 });
    });

    it('lets an admin reschedule a member booking; another member gets 404', async () => {
      const { booking } = await confirmed(70);
      expectProblem(await reschedule(booking.id, slot(71), other.token), 404, 'BOOKING_NOT_FOUND');
      const res = await reschedule(booking.id, slot(71), admin.token);
      expect(res.status).toBe(200);
      const [, , moved] = await events(booking.id);
      expect((moved!.payload as any).actorId).toBe(admin.user.id);
    });

    it.each<[string, number, string, (b: Booking) => Record<string, unknown>]>([
      ['into the past', 422, 'START_IN_PAST', () => slot(-3)],
      ['to an end before its start', 400, 'INVALID_TIME_RANGE', (b) => ({ endTime: b.startTime })],
      [
        'to a time not on a whole minute',
        400,
        'INVALID_TIME_RANGE',
        (b) => ({ endTime: b.endTime.replace(':00.000Z', ':30.000Z') }),
      ],
      ['shorter than the minimum (30 min)', 422, 'DURATION_TOO_SHORT', (b) => range(b.startTime, 15)],
      ['longer than the maximum (8 h)', 422, 'DURATION_TOO_LONG', (b) => range(b.startTime, 481)],
      [
        'outside opening hours (02:00)',
        422,
        'OUTSIDE_OPENING_HOURS',
        (b) => range(b.startTime.replace('T10:', 'T02:'), 60),
      ],
    ])('refuses a move %s with %i %s and changes nothing', async (_what, status, code, move) => {
      const ws = h.workspace({ timezone: 'UTC', openingHours: everyDay('08:00', '20:00') });
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...range('2031-01-06T10:00:00Z', 60) });
      expectProblem(await reschedule(booking.id, move(booking)), status, code);
      expect((await get(booking.id)).body).toEqual(booking);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed']);
    });

    it('applies the rules as they are now: a workspace deactivated since, or a suspended owner, stops a move', async () => {
      const { ws, booking } = await confirmed(90);
      h.downstreams.workspaces.get(ws.id)!.active = false;
      expectProblem(await reschedule(booking.id, slot(91)), 422, 'WORKSPACE_INACTIVE');
      h.downstreams.workspaces.get(ws.id)!.active = true;
      const member = await h.member();
      const theirs = await h.booked(member.token, { workspaceId: ws.id, ...slot(95) });
      h.downstreams.users.get(member.user.id)!.status = 'SUSPENDED';
      expectProblem(await reschedule(theirs.id, slot(96), member.token), 403, 'USER_SUSPENDED');
      expect((await get(theirs.id, admin.token)).body).toEqual(theirs);
    });

    it('refuses to move a CANCELLED booking with 409 INVALID_BOOKING_STATE', async () => {
      const { booking } = await confirmed();
      await cancel(booking.id);
      const res = await reschedule(booking.id, slot(100));
      expectProblem(res, 409, 'INVALID_BOOKING_STATE');
      expect(res.body.bookingStatus).toBe('CANCELLED');
    });

    it('refuses to move a PENDING booking (payment not settled) with 409 INVALID_BOOKING_STATE, charging nothing', async () => {
      const { booking } = await held(102);
      const res = await reschedule(booking.id, slot(104, 2));
      expectProblem(res, 409, 'INVALID_BOOKING_STATE');
      expect(res.body.bookingStatus).toBe('PENDING');
      expect((await get(booking.id)).body).toEqual(booking);
      expect(chargesOf(booking.id)).toEqual([]);
      expect(await eventTypes(booking.id)).toEqual(['booking.created']);
    });

    it('answers 400 VALIDATION_FAILED for a body with unknown fields or a status', async () => {
      const { booking } = await confirmed();
      const res = await reschedule(booking.id, { ...slot(101), status: 'CANCELLED' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect((await get(booking.id)).body).toEqual(booking);
    });
  });

  describe('DELETE /bookings/:id (admin)', () => {
    it('refuses a CONFIRMED booking with 409 INVALID_BOOKING_STATE', async () => {
      const { booking } = await confirmed();
      await confirm(booking.id);
      const res = await remove(booking.id);
      expectProblem(res, 409, 'INVALID_BOOKING_STATE');
      expect(res.body.bookingStatus).toBe('CONFIRMED');
      expect((await get(booking.id)).status).toBe(200);
    });

    it('deletes a CANCELLED (fully refunded) booking: 204, then 404 for GET and for a second DELETE', async () => {
      const { booking } = await confirmed(48);
      await cancel(booking.id);
      const res = await remove(booking.id);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectProblem(await get(booking.id, admin.token), 404, 'BOOKING_NOT_FOUND');
      expectProblem(await remove(booking.id), 404, 'BOOKING_NOT_FOUND');
      expect(await h.prisma.booking.findUnique({ where: { id: booking.id } })).toBeNull();
    });

    it('refuses a PENDING booking (it still holds its slot) with 409 INVALID_BOOKING_STATE', async () => {
      const { ws, booking } = await held(110);
      const res = await remove(booking.id);
      expectProblem(res, 409, 'INVALID_BOOKING_STATE');
      expect(res.body.bookingStatus).toBe('PENDING');
      const slotOf = { workspaceId: ws.id, startTime: booking.startTime, endTime: booking.endTime };
      expectProblem(await h.book(other.token, slotOf), 409, 'BOOKING_CONFLICT');
    });

    it('deletes a never-confirmed (PAYMENT_FAILED) booking, whose slot was already free', async () => {
      const ws = h.workspace();
      const declined = await h.book(owner.token, {
        workspaceId: ws.id,
        ...slot(112),
        paymentMethod: 'pm_card_declined',
      });
      expectProblem(declined, 402, 'PAYMENT_DECLINED');
      const id = declined.body.bookingId as string;
      expect((await get(id)).body.status).toBe('PAYMENT_FAILED');
      expect((await remove(id)).status).toBe(204);
      expect(await eventTypes(id)).toEqual(['booking.created', 'payment.failed', 'booking.deleted']);
    });

    it('refuses a booking cancelled too late for a refund (it kept the fee) with 409, and keeps it', async () => {
      const { booking } = await confirmed(2);
      expect((await cancel(booking.id)).body.status).toBe('CANCELLED');
      expect(refundsOf(booking.id)).toEqual([]);
      const res = await remove(booking.id);
      expectProblem(res, 409, 'INVALID_BOOKING_STATE');
      expect(res.body.bookingStatus).toBe('CANCELLED');
      expect((await get(booking.id)).status).toBe(200);
    });

    it('is for admins only: the owner gets 403 and the booking stays', async () => {
      const { booking } = await confirmed();
      await cancel(booking.id);
      expectProblem(await remove(booking.id, owner.token), 403, 'FORBIDDEN');
      expect((await get(booking.id)).status).toBe(200);
    });
  });

  describe('GET /bookings', () => {
    let lister: Actor;
    let second: Actor;
    let wsA: string;
    let wsB: string;
    const mine: Booking[] = [];
    let theirs: Booking;

    beforeAll(async () => {
      lister = await h.member();
      second = await h.member();
      wsA = h.workspace().id;
      wsB = h.workspace().id;
      // five bookings of `lister`: three at A (one PENDING, one cancelled, one confirmed), two at B (confirmed)
      mine.push(await heldBooking(lister.token, { workspaceId: wsA, ...slot(200) }));
      for (const [ws, hours] of [
        [wsA, 202],
        [wsB, 204],
        [wsA, 206],
        [wsB, 208],
      ] as const) {
        mine.push(await h.booked(lister.token, { workspaceId: ws, ...slot(hours) }));
      }
      await cancel(mine[1]!.id, lister.token);
      theirs = await h.booked(second.token, { workspaceId: wsA, ...slot(210) });
    });

    const list = (token: string, query: Record<string, string> = {}) => h.app.get('/bookings', { token, query });
    const ids = (res: { body: { items: Booking[] } }) => res.body.items.map((b) => b.id);
    /** The list's own order: createdAt, then id, both descending. */
    const newestFirst = (bs: Booking[]) =>
      [...bs].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).map((b) => b.id);

    it("shows a member only their own bookings, newest first; never another's", async () => {
      const res = await list(lister.token);
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual(newestFirst(mine));
      expect(res.body.nextCursor).toBeNull();
      expect(ids(await list(lister.token, { userId: lister.user.id }))).toEqual(newestFirst(mine));
    });

    it("refuses a member asking for another user's bookings with 403 FORBIDDEN", async () => {
      expectProblem(await list(lister.token, { userId: second.user.id }), 403, 'FORBIDDEN');
    });

    it('shows an admin everyone, and one user with userId', async () => {
      const all = await list(admin.token, { workspaceId: wsA });
      expect(ids(all)).toEqual(newestFirst([theirs, ...mine.filter((b) => b.workspaceId === wsA)]));
      expect(ids(await list(admin.token, { userId: second.user.id }))).toEqual([theirs.id]);
    });

    it('filters by workspace and by status', async () => {
      expect(ids(await list(lister.token, { workspaceId: wsB }))).toEqual(newestFirst([mine[2]!, mine[4]!]));
      expect(ids(await list(lister.token, { status: 'CANCELLED' }))).toEqual([mine[1]!.id]);
      expect(ids(await list(lister.token, { status: 'CONFIRMED' }))).toEqual(
        newestFirst([mine[2]!, mine[3]!, mine[4]!]),
      );
      expect(ids(await list(lister.token, { status: 'CONFIRMED', workspaceId: wsA }))).toEqual([mine[3]!.id]);
      expect(ids(await list(lister.token, { status: 'PENDING', workspaceId: wsA }))).toEqual([mine[0]!.id]);
    });

    it('filters by time: from keeps bookings ending after it, to keeps those starting before it', async () => {
      // mine[1] is [202h, 203h): from at its end excludes it, from a minute earlier includes it
      expect(ids(await list(lister.token, { from: mine[1]!.endTime }))).toEqual(newestFirst(mine.slice(2)));
      const aMinuteBefore = new Date(Date.parse(mine[1]!.endTime) - 60_000).toISOString();
      expect(ids(await list(lister.token, { from: aMinuteBefore }))).toEqual(newestFirst(mine.slice(1)));
      expect(ids(await list(lister.token, { to: mine[2]!.startTime }))).toEqual(newestFirst(mine.slice(0, 2)));
      expect(ids(await list(lister.token, { from: mine[1]!.startTime, to: mine[3]!.endTime }))).toEqual(
        newestFirst(mine.slice(1, 4)),
      );
    });

    it('walks every page with limit and cursor: no repeats, no gaps, a null cursor at the end', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await list(lister.token, { limit: '2', ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...ids(res));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(newestFirst(mine));
    });

    it('refuses a limit above 100, a status it does not know and a broken cursor with 400', async () => {
      const queries: Record<string, string>[] = [
        { limit: '101' },
        { limit: '0' },
        { status: 'DONE' },
        { cursor: '!!!' },
        { from: 'yesterday' },
        { from: '2030-01-01T00:00:00' },
      ];
      for (const query of queries) {
        expectProblem(await list(lister.token, query), 400, 'VALIDATION_FAILED');
      }
    });
  });

  describe('outbox events', () => {
    it('writes exactly one event per state change, in order, complete enough to act on without calling back', async () => {
      const ws = h.workspace({
        name: 'Garden Room',
        timezone: 'Europe/Lisbon',
        hourlyRateCents: 2000,
        currency: 'GBP',
      });
      const booking = await h.booked(owner.token, { workspaceId: ws.id, attendees: 2, ...slot(300) });
      await confirm(booking.id); // already confirmed: no event
      const moved = (await reschedule(booking.id, slot(302, 2))).body as Booking;
      await cancel(booking.id);
      expect((await remove(booking.id)).status).toBe(204);

      const rows = await events(booking.id);
      expect(rows.map((e) => e.type)).toEqual([
        'booking.created',
        'booking.confirmed',
        'booking.rescheduled',
        'booking.cancelled',
        'refund.issued',
        'booking.deleted',
      ]);
      expect(new Set(rows.map((e) => e.id)).size).toBe(6);
      const positions = rows.map((e) => e.position);
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);

      const expectedStatus = ['PENDING', 'CONFIRMED', 'CONFIRMED', 'CANCELLED', 'CANCELLED', 'CANCELLED'];
      const expectedActor = [owner, owner, owner, owner, owner, admin].map((a) => a.user.id);
      // the money each event tells of: the reschedule charged 2000 more (refunding nothing); the
      // cancellation 12 days ahead refunds all 4000 paid, recorded by refund.issued
      const expectedRefund = [undefined, undefined, 0, 4000, 4000, undefined];
      rows.forEach((event, i) => {
        expect(event.schemaVersion).toBe(1);
        expect(event.aggregateId).toBe(booking.id);
        expect(event.occurredAt).toBeInstanceOf(Date);
        const payload = event.payload as any;
        expect(payload.booking).toMatchObject({
          id: booking.id,
          userId: owner.user.id,
          workspaceId: ws.id,
          attendees: 2,
          status: expectedStatus[i],
          currency: 'GBP',
          version: i < 5 ? i + 1 : 5,
          createdAt: booking.createdAt,
        });
        expect(payload.user).toEqual({ id: owner.user.id, email: owner.user.email, fullName: 'Olga Owner' });
        expect(payload.workspace).toEqual({
          id: ws.id,
          name: 'Garden Room',
          timezone: 'Europe/Lisbon',
          openingHours: null,
        });
        expect(payload.actorId).toBe(expectedActor[i]);
        expect(payload.refundCents).toBe(expectedRefund[i]);
        if (event.type === 'booking.rescheduled') {
          expect(payload.previous).toEqual({
            startTime: booking.startTime,
            endTime: booking.endTime,
            priceCents: 2000,
          });
        } else {
          expect(payload.previous).toBeUndefined();
        }
      });
      const [created, , rescheduled, , , deleted] = rows.map((e) => (e.payload as any).booking);
      expect(created).toMatchObject({ startTime: booking.startTime, endTime: booking.endTime, priceCents: 2000 });
      expect(rescheduled).toMatchObject({ startTime: moved.startTime, endTime: moved.endTime, priceCents: 4000 });
      // the deleted event carries the last state of a booking that no longer exists
      expect(deleted).toMatchObject({ startTime: moved.startTime, endTime: moved.endTime, priceCents: 4000 });
      expect(chargesOf(booking.id).map((c) => c.amountCents)).toEqual([2000, 2000]);
      expect(refundsOf(booking.id).map((r) => r.amountCents)).toEqual([4000]);
    });

    it('writes no event for a refused change or a repeat', async () => {
      const { booking } = await confirmed();
      await confirm(booking.id);
      await confirm(booking.id);
      await remove(booking.id); // 409: confirmed
      await reschedule(booking.id, { startTime: booking.startTime, endTime: new Date(0).toISOString() }); // 400
      await confirm(booking.id, other.token); // 404
      await reschedule(booking.id, { startTime: booking.startTime, endTime: booking.endTime });
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed']);
    });
  });
});
