import { randomUUID } from 'node:crypto';
import { MoneySweeper } from '../src/bookings/money-sweeper.js';
import { Booking, BookingHarness, expectProblem, range, slot } from './support/booking-app.js';

type Actor = { token: string; user: { id: string } };

/**
 * The payment saga over HTTP against payment-service's contract (the in-memory ledger): each
 * payment method through create, confirm, cancel and reschedule; holds that run out; outages of
 * payment-service at every step; and, at the end, the money balance over everything this suite did.
 */
describe('payment saga (integration)', () => {
  let h: BookingHarness;
  let owner: Actor;
  let other: Actor;

  beforeAll(async () => {
    // payment-service is failed on purpose again and again here: keep its circuit out of the way
    h = await BookingHarness.start({ CIRCUIT_BREAKER_THRESHOLD: '1000' });
    owner = await h.member();
    other = await h.member();
  });
  afterAll(async () => {
    await h?.close();
  });

  const ledger = () => h.downstreams.ledger;
  const payments = () => h.downstreams.paymentService;
  const sweep = () => h.app.app.get(MoneySweeper).sweep();
  const get = (id: string) => h.app.get(`/bookings/${id}`, { token: owner.token });
  const confirm = (id: string, token = owner.token) => h.app.post(`/bookings/${id}/confirm`, { token });
  const cancel = (id: string) => h.app.post(`/bookings/${id}/cancel`, { token: owner.token });
  const reschedule = (id: string, body: Record<string, unknown>) =>
    h.app.patch(`/bookings/${id}`, { token: owner.token, body });
  const row = (id: string) => h.prisma.booking.findUniqueOrThrow({ where: { id } });
  const events = (id: string) =>
    h.prisma.outboxEvent.findMany({ where: { aggregateId: id }, orderBy: { position: 'asc' } });
  const eventTypes = async (id: string) => (await events(id)).map((e) => e.type);
  const chargesOf = (id: string) => ledger().charges.filter((c) => c.bookingId === id);
  const refundsOf = (id: string) => ledger().refunds.filter((r) => r.bookingId === id);
  /** Is [start, end) of the booking free at its workspace? (another member may book it) */
  const slotIsFree = async (b: Booking) => {
    const res = await h.book(other.token, { workspaceId: b.workspaceId, startTime: b.startTime, endTime: b.endTime });
    if (res.status === 201) {
      expect((await h.app.post(`/bookings/${res.body.id}/cancel`, { token: other.token })).status).toBe(200);
      return true;
    }
    expectProblem(res, 409, 'BOOKING_CONFLICT');
    return false;
  };
  /** payment-service stopped (connection refused) while `run` runs, then started again. */
  const whilePaymentsDown = async <T>(run: () => Promise<T>): Promise<T> => {
    await payments().close();
    try {
      return await run();
    } finally {
      await payments().start();
    }
  };
  const expireHold = (id: string) =>
    h.prisma.booking.update({ where: { id }, data: { holdExpiresAt: new Date(Date.now() - 1000) } });

  describe('create, by payment method', () => {
    it('pm_card_visa (and the default): 201 CONFIRMED, charged once under the booking id, events created then confirmed', async () => {
      for (const paymentMethod of ['pm_card_visa', undefined]) {
        const ws = h.workspace({ hourlyRateCents: 1500 });
        const res = await h.book(owner.token, { workspaceId: ws.id, ...slot(30, 2), paymentMethod });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ status: 'CONFIRMED', priceCents: 3000, version: 2 });
        expect(chargesOf(res.body.id)).toEqual([{ key: res.body.id, bookingId: res.body.id, amountCents: 3000 }]);
        expect(await row(res.body.id)).toMatchObject({
          paidCents: 3000,
          holdExpiresAt: null,
          refundDueCents: 0,
          paymentMethod: 'pm_card_visa',
        });
        expect(await eventTypes(res.body.id)).toEqual(['booking.created', 'booking.confirmed']);
      }
    });

    it.each([
      ['pm_card_declined', 'card_declined'],
      ['pm_card_insufficient_funds', 'insufficient_funds'],
    ])('%s: 402 PAYMENT_DECLINED (%s), booking PAYMENT_FAILED, slot free, nothing charged', async (method, code) => {
      const ws = h.workspace();
      const body = { workspaceId: ws.id, ...slot(32), paymentMethod: method };
      const key = randomUUID();
      const res = await h.book(owner.token, body, key);
      expectProblem(res, 402, 'PAYMENT_DECLINED');
      expect(res.body).toMatchObject({ declineCode: code, bookingId: expect.any(String) });
      const id = res.body.bookingId as string;
      expect((await get(id)).body).toMatchObject({ status: 'PAYMENT_FAILED', confirmedAt: null });
      expect(await row(id)).toMatchObject({ declineCode: code, paidCents: 0, holdExpiresAt: null });
      const [, failed] = await events(id);
      expect(await eventTypes(id)).toEqual(['booking.created', 'payment.failed']);
      expect((failed!.payload as any).declineCode).toBe(code);
      expect(chargesOf(id)).toEqual([]);
      // a replay answers 402 again and does nothing more; another body under the key is 422
      const again = await h.book(owner.token, body, key);
      expectProblem(again, 402, 'PAYMENT_DECLINED');
      expect(again.body).toMatchObject({ declineCode: code, bookingId: id });
      expectProblem(await h.book(owner.token, { ...body, attendees: 2 }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
      // no longer active: confirm, cancel and reschedule are refused
      for (const refused of [await confirm(id), await cancel(id), await reschedule(id, slot(34))]) {
        expectProblem(refused, 409, 'INVALID_BOOKING_STATE');
        expect(refused.body.bookingStatus).toBe('PAYMENT_FAILED');
      }
      expect(await eventTypes(id)).toEqual(['booking.created', 'payment.failed']);
      expect(await slotIsFree({ ...(await get(id)).body })).toBe(true);
    });

    it('pm_card_error: 202 with the PENDING booking, held 15 min by default; confirm keeps answering 503', async () => {
      const ws = h.workspace();
      const before = Date.now();
      const res = await h.book(owner.token, { workspaceId: ws.id, ...slot(36), paymentMethod: 'pm_card_error' });
      expect(res.status).toBe(202);
      expect(res.headers.location).toBe(`/bookings/${res.body.id}`);
      expect(res.body).toMatchObject({ status: 'PENDING', version: 1, confirmedAt: null });
      const held = await row(res.body.id);
      expect(held.holdExpiresAt!.getTime()).toBeGreaterThanOrEqual(before + 900_000 - 1000);
      expect(held.holdExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);
      expect(await slotIsFree(res.body)).toBe(false);
      const retried = await confirm(res.body.id);
      expectProblem(retried, 503, 'DEPENDENCY_UNAVAILABLE');
      expect(retried.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect((await get(res.body.id)).body).toEqual(res.body);
      expect(chargesOf(res.body.id)).toEqual([]);
      expect(await eventTypes(res.body.id)).toEqual(['booking.created']);
    });

    it('pm_card_error: a PENDING booking cannot be rescheduled (409) but can be cancelled, without refund', async () => {
      const ws = h.workspace();
      const res = await h.book(owner.token, { workspaceId: ws.id, ...slot(38), paymentMethod: 'pm_card_error' });
      expect(res.status).toBe(202);
      const id = res.body.id as string;
      const moved = await reschedule(id, slot(40, 2));
      expectProblem(moved, 409, 'INVALID_BOOKING_STATE');
      expect(moved.body.bookingStatus).toBe('PENDING');
      const cancelled = await cancel(id);
      expect(cancelled.body).toMatchObject({ status: 'CANCELLED', version: 2 });
      // a charge that might still land is reconciled by the sweeper
      expect(await row(id)).toMatchObject({ paymentUnresolved: true, refundDueCents: 0, holdExpiresAt: null });
      const [, cancelledEvent] = await events(id);
      expect((cancelledEvent!.payload as any).refundCents).toBe(0);
      expect(await slotIsFree(res.body)).toBe(true);
      await sweep();
      expect(await row(id)).toMatchObject({ paymentUnresolved: false, paidCents: 0, refundDueCents: 0 });
      expect(refundsOf(id)).toEqual([]);
      expect(await eventTypes(id)).toEqual(['booking.created', 'booking.cancelled']);
    });

    it('a free workspace confirms at once without calling payment-service', async () => {
      const ws = h.workspace({ hourlyRateCents: 0 });
      const calls = payments().requests;
      const res = await h.book(owner.token, { workspaceId: ws.id, ...slot(42), paymentMethod: 'pm_card_declined' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'CONFIRMED', priceCents: 0 });
      expect(payments().requests).toBe(calls);
      expect(await eventTypes(res.body.id)).toEqual(['booking.created', 'booking.confirmed']);
    });
  });

  describe('payment-service down at create', () => {
    it('202 PENDING (a replay while down is 202 too); back: confirm 200 CONFIRMED with exactly one charge', async () => {
      const ws = h.workspace();
      const body = { workspaceId: ws.id, ...slot(44) };
      const key = randomUUID();
      const [first, replay] = await whilePaymentsDown(async () => [
        await h.book(owner.token, body, key),
        await h.book(owner.token, body, key),
      ]);
      expect(first!.status).toBe(202);
      expect(first!.body.status).toBe('PENDING');
      expect(replay!.status).toBe(202);
      expect(replay!.headers['idempotent-replayed']).toBe('true');
      expect(replay!.body).toEqual(first!.body);
      const id = first!.body.id as string;
      const confirmed = await confirm(id);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({ id, status: 'CONFIRMED', version: 2 });
      // a replay of the create now answers the settled booking, 201, without charging again
      const later = await h.book(owner.token, body, key);
      expect(later.status).toBe(201);
      expect(later.body).toEqual(confirmed.body);
      expect((await confirm(id)).body).toEqual(confirmed.body);
      expect(chargesOf(id)).toEqual([{ key: id, bookingId: id, amountCents: 1000 }]);
      expect(await row(id)).toMatchObject({ paidCents: 1000, holdExpiresAt: null });
      expect(await eventTypes(id)).toEqual(['booking.created', 'booking.confirmed']);
    });

    it('back: the replay of the create itself retries the charge and answers 201 CONFIRMED', async () => {
      const ws = h.workspace();
      const body = { workspaceId: ws.id, ...slot(46) };
      const key = randomUUID();
      const first = await whilePaymentsDown(() => h.book(owner.token, body, key));
      expect(first.status).toBe(202);
      const replay = await h.book(owner.token, body, key);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toMatchObject({ id: first.body.id, status: 'CONFIRMED' });
      expect(chargesOf(first.body.id)).toHaveLength(1);
    });

    it('20 concurrent replays of one Idempotency-Key: one booking, one charge, all 201 CONFIRMED', async () => {
      const ws = h.workspace();
      const body = { workspaceId: ws.id, ...slot(48) };
      const key = randomUUID();
      const first = await whilePaymentsDown(() => h.book(owner.token, body, key));
      expect(first.status).toBe(202);
      const responses = await Promise.all(Array.from({ length: 20 }, () => h.book(owner.token, body, key)));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      expect(new Set(responses.map((r) => r.body.id))).toEqual(new Set([first.body.id]));
      expect(responses.every((r) => r.body.status === 'CONFIRMED')).toBe(true);
      expect(chargesOf(first.body.id)).toHaveLength(1);
      expect(await h.prisma.booking.count({ where: { workspaceId: ws.id } })).toBe(1);
      expect(await eventTypes(first.body.id)).toEqual(['booking.created', 'booking.confirmed']);
    });

    it('20 concurrent creates with one fresh Idempotency-Key: one booking, one charge', async () => {
      const ws = h.workspace();
      const body = { workspaceId: ws.id, ...slot(50) };
      const key = randomUUID();
      const responses = await Promise.all(Array.from({ length: 20 }, () => h.book(owner.token, body, key)));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      const ids = new Set(responses.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      const [id] = [...ids] as string[];
      expect(chargesOf(id!)).toHaveLength(1);
      expect(await eventTypes(id!)).toEqual(['booking.created', 'booking.confirmed']);
    });

    it('10 concurrent confirms of a held booking: all 200 CONFIRMED, one charge, one event', async () => {
      const ws = h.workspace();
      const first = await whilePaymentsDown(() => h.book(owner.token, { workspaceId: ws.id, ...slot(52) }));
      expect(first.status).toBe(202);
      const responses = await Promise.all(Array.from({ length: 10 }, () => confirm(first.body.id)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(responses.every((r) => r.body.status === 'CONFIRMED')).toBe(true);
      expect(chargesOf(first.body.id)).toHaveLength(1);
      expect(await eventTypes(first.body.id)).toEqual(['booking.created', 'booking.confirmed']);
    });

    it('confirm while payment-service is still down: 503, the booking stays PENDING and holds its slot', async () => {
      const ws = h.workspace();
      const first = await whilePaymentsDown(async () => {
        const res = await h.book(owner.token, { workspaceId: ws.id, ...slot(54) });
        expectProblem(await confirm(res.body.id), 503, 'DEPENDENCY_UNAVAILABLE');
        return res;
      });
      expect((await get(first.body.id)).body).toEqual(first.body);
      expect(await slotIsFree(first.body)).toBe(false);
      expect(chargesOf(first.body.id)).toEqual([]);
    });
  });

  describe('holds that run out', () => {
    const heldBooking = async (hoursAhead: number, paymentMethod = 'pm_card_error'): Promise<Booking> => {
      const ws = h.workspace();
      const res = await h.book(owner.token, { workspaceId: ws.id, ...slot(hoursAhead), paymentMethod });
      expect(res.status).toBe(202);
      return res.body as Booking;
    };

    it('confirm after the hold expired: 409 INVALID_BOOKING_STATE, the booking EXPIRED and its slot free', async () => {
      const booking = await heldBooking(56);
      await expireHold(booking.id);
      const res = await confirm(booking.id);
      expectProblem(res, 409, 'INVALID_BOOKING_STATE');
      expect(res.body.bookingStatus).toBe('EXPIRED');
      expect((await get(booking.id)).body.status).toBe('EXPIRED');
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.expired']);
      expect(await slotIsFree(booking)).toBe(true);
      expectProblem(await confirm(booking.id), 409, 'INVALID_BOOKING_STATE');
    });

    it('confirm after the hold expired, but payment-service has the charge: 200 CONFIRMED, not charged again', async () => {
      const ws = h.workspace();
      const held = await whilePaymentsDown(() => h.book(owner.token, { workspaceId: ws.id, ...slot(58) }));
      // the charge went through at payment-service, but its answer never came back
      ledger().charges.push({ key: held.body.id, bookingId: held.body.id, amountCents: 1000 });
      await expireHold(held.body.id);
      const res = await confirm(held.body.id);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('CONFIRMED');
      expect(chargesOf(held.body.id)).toHaveLength(1);
      expect(await row(held.body.id)).toMatchObject({ paidCents: 1000, holdExpiresAt: null });
    });

    it('the sweeper expires a hold that ran out (booking.expired, slot freed) and leaves running ones alone', async () => {
      const expiring = await heldBooking(60);
      const running = await heldBooking(62);
      await expireHold(expiring.id);
      await sweep();
      expect((await get(expiring.id)).body).toMatchObject({ status: 'EXPIRED', version: 2 });
      expect(await row(expiring.id)).toMatchObject({ holdExpiresAt: null, paidCents: 0, paymentUnresolved: false });
      expect(await eventTypes(expiring.id)).toEqual(['booking.created', 'booking.expired']);
      expect(await slotIsFree(expiring)).toBe(true);
      expect((await get(running.id)).body).toEqual(running);
      await sweep();
      expect(await eventTypes(expiring.id)).toEqual(['booking.created', 'booking.expired']);
    });

    it('the sweeper leaves an expired hold alone while its charge is still in flight, then settles it', async () => {
      const ws = h.workspace();
      const held = await whilePaymentsDown(() => h.book(owner.token, { workspaceId: ws.id, ...slot(66) }));
      ledger().inFlight.add(held.body.id);
      await expireHold(held.body.id);
      await sweep();
      expect((await get(held.body.id)).body.status).toBe('PENDING');
      // the crashed charge is recovered at payment-service: it did go through
      ledger().inFlight.delete(held.body.id);
      ledger().charges.push({ key: held.body.id, bookingId: held.body.id, amountCents: 1000 });
      await sweep();
      expect((await get(held.body.id)).body.status).toBe('CONFIRMED');
      expect(chargesOf(held.body.id)).toHaveLength(1);
    });

    it('the sweeper confirms a held booking whose charge did go through', async () => {
      const ws = h.workspace();
      const held = await whilePaymentsDown(() => h.book(owner.token, { workspaceId: ws.id, ...slot(64) }));
      ledger().charges.push({ key: held.body.id, bookingId: held.body.id, amountCents: 1000 });
      await expireHold(held.body.id);
      await sweep();
      expect((await get(held.body.id)).body.status).toBe('CONFIRMED');
      expect(await eventTypes(held.body.id)).toEqual(['booking.created', 'booking.confirmed']);
      expect(await row(held.body.id)).toMatchObject({ paidCents: 1000, refundDueCents: 0 });
    });

    it('payment-service down at expiry: EXPIRED, unresolved; a later sweep refunds a charge that landed, once', async () => {
      const ws = h.workspace();
      const held = await whilePaymentsDown(async () => {
        const res = await h.book(owner.token, { workspaceId: ws.id, ...slot(66) });
        await expireHold(res.body.id);
        await sweep();
        return res;
      });
      expect((await get(held.body.id)).body.status).toBe('EXPIRED');
      expect(await row(held.body.id)).toMatchObject({ paymentUnresolved: true, paidCents: 0 });
      expect(await slotIsFree(held.body)).toBe(true);
      // an admin may not delete it while its money is unresolved
      const admin = await h.admin();
      expectProblem(
        await h.app.delete(`/bookings/${held.body.id}`, { token: admin.token }),
        409,
        'INVALID_BOOKING_STATE',
      );
      // the charge had landed after all
      ledger().charges.push({ key: held.body.id, bookingId: held.body.id, amountCents: 1000 });
      await sweep();
      expect(refundsOf(held.body.id).map((r) => r.amountCents)).toEqual([1000]);
      expect(await row(held.body.id)).toMatchObject({ paymentUnresolved: false, paidCents: 0, refundDueCents: 0 });
      expect(await eventTypes(held.body.id)).toEqual(['booking.created', 'booking.expired', 'refund.issued']);
      await sweep();
      expect(refundsOf(held.body.id)).toHaveLength(1);
    });
  });

  describe('cancel: the refund policy (full refund up to 24 h before the start, nothing after)', () => {
    it('48 h ahead: refunds everything paid (refund.issued), the booking CANCELLED', async () => {
      const ws = h.workspace({ hourlyRateCents: 1200 });
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(48, 2) });
      const res = await cancel(booking.id);
      expect(res.body).toMatchObject({ status: 'CANCELLED' });
      expect(refundsOf(booking.id).map((r) => r.amountCents)).toEqual([2400]);
      expect(await row(booking.id)).toMatchObject({ paidCents: 0, refundDueCents: 0 });
      const rows = await events(booking.id);
      expect(rows.map((e) => e.type)).toEqual([
        'booking.created',
        'booking.confirmed',
        'booking.cancelled',
        'refund.issued',
      ]);
      expect((rows[2]!.payload as any).refundCents).toBe(2400);
      expect((rows[3]!.payload as any).refundCents).toBe(2400);
    });

    it('2 h ahead: refunds nothing, the fee is kept', async () => {
      const ws = h.workspace();
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(2) });
      const res = await cancel(booking.id);
      expect(res.body).toMatchObject({ status: 'CANCELLED', version: 3 });
      expect(refundsOf(booking.id)).toEqual([]);
      expect(await row(booking.id)).toMatchObject({ paidCents: 1000, refundDueCents: 0 });
      const [, , cancelled] = await events(booking.id);
      expect((cancelled!.payload as any).refundCents).toBe(0);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed', 'booking.cancelled']);
      await sweep();
      expect(refundsOf(booking.id)).toEqual([]);
    });

    it('payment-service down: CANCELLED with the refund owed; the next sweep pays it exactly once', async () => {
      const ws = h.workspace();
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(72) });
      await whilePaymentsDown(async () => {
        const res = await cancel(booking.id);
        expect(res.status).toBe(200);
        expect(res.body.status).toBe('CANCELLED');
        expect(await row(booking.id)).toMatchObject({ refundDueCents: 1000, paidCents: 1000 });
        // still down: the sweep leaves the debt where it is
        await sweep();
      });
      expect(refundsOf(booking.id)).toEqual([]);
      expect(await slotIsFree(booking)).toBe(true);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed', 'booking.cancelled']);
      await sweep();
      expect(refundsOf(booking.id).map((r) => r.amountCents)).toEqual([1000]);
      expect(await row(booking.id)).toMatchObject({ refundDueCents: 0, paidCents: 0 });
      await sweep();
      expect((await cancel(booking.id)).body.status).toBe('CANCELLED');
      expect(refundsOf(booking.id)).toHaveLength(1);
      expect(await eventTypes(booking.id)).toEqual([
        'booking.created',
        'booking.confirmed',
        'booking.cancelled',
        'refund.issued',
      ]);
    });
  });

  describe('reschedule: the new price', () => {
    it('up: charges the difference once (booking.rescheduled with previous); a repeat charges nothing', async () => {
      const ws = h.workspace();
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(80) });
      const longer = range(booking.startTime, 150);
      const res = await reschedule(booking.id, longer);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ...longer, priceCents: 2500, status: 'CONFIRMED', version: 3 });
      expect((await reschedule(booking.id, longer)).body).toEqual(res.body);
      expect(chargesOf(booking.id).map((c) => [c.key, c.amountCents])).toEqual([
        [booking.id, 1000],
        [`reschedule:${booking.id}:2`, 1500],
      ]);
      expect(await row(booking.id)).toMatchObject({ paidCents: 2500, refundDueCents: 0 });
      const [, , moved] = await events(booking.id);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed', 'booking.rescheduled']);
      expect((moved!.payload as any).previous).toEqual({
        startTime: booking.startTime,
        endTime: booking.endTime,
        priceCents: 1000,
      });
      expect((moved!.payload as any).refundCents).toBe(0);
    });

    it('down: refunds the difference (refund.issued)', async () => {
      const ws = h.workspace();
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(84, 3) });
      const shorter = range(booking.startTime, 60);
      const res = await reschedule(booking.id, shorter);
      expect(res.body).toMatchObject({ ...shorter, priceCents: 1000, status: 'CONFIRMED' });
      expect(refundsOf(booking.id).map((r) => r.amountCents)).toEqual([2000]);
      expect(await row(booking.id)).toMatchObject({ paidCents: 1000, refundDueCents: 0 });
      const rows = await events(booking.id);
      expect(rows.map((e) => e.type)).toEqual([
        'booking.created',
        'booking.confirmed',
        'booking.rescheduled',
        'refund.issued',
      ]);
      expect((rows[2]!.payload as any).refundCents).toBe(2000);
      expect((rows[2]!.payload as any).previous.priceCents).toBe(3000);
    });

    it('down while payment-service is down: moved, the refund queued and paid by the next sweep once', async () => {
      const ws = h.workspace();
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(88, 2) });
      const shorter = range(booking.startTime, 60);
      await whilePaymentsDown(async () => {
        const res = await reschedule(booking.id, shorter);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ ...shorter, priceCents: 1000 });
      });
      expect(await row(booking.id)).toMatchObject({ paidCents: 2000, refundDueCents: 1000 });
      expect(refundsOf(booking.id)).toEqual([]);
      await sweep();
      await sweep();
      expect(refundsOf(booking.id).map((r) => r.amountCents)).toEqual([1000]);
      expect(await row(booking.id)).toMatchObject({ paidCents: 1000, refundDueCents: 0 });
    });

    it.each([
      ['pm_card_declined', 'card_declined'],
      ['pm_card_insufficient_funds', 'insufficient_funds'],
    ])('up with the extra charge declined (%s): 402, the booking keeps its times and price', async (method, code) => {
      const ws = h.workspace();
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(92) });
      // the card stopped working since the booking was paid
      await h.prisma.booking.update({ where: { id: booking.id }, data: { paymentMethod: method } });
      const before = (await get(booking.id)).body;
      const res = await reschedule(booking.id, range(booking.startTime, 120));
      expectProblem(res, 402, 'PAYMENT_DECLINED');
      expect(res.body).toMatchObject({ declineCode: code, bookingId: booking.id });
      expect((await get(booking.id)).body).toEqual(before);
      expect(before).toMatchObject({ startTime: booking.startTime, endTime: booking.endTime, priceCents: 1000 });
      expect(await row(booking.id)).toMatchObject({ paidCents: 1000, status: 'CONFIRMED' });
      expect(chargesOf(booking.id)).toHaveLength(1);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed']);
    });

    it('up while payment-service is down: 503, the booking keeps its times; back, the move goes through', async () => {
      const ws = h.workspace();
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(96) });
      const longer = range(booking.startTime, 120);
      const res = await whilePaymentsDown(() => reschedule(booking.id, longer));
      expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
      expect((await get(booking.id)).body).toEqual(booking);
      expect(await eventTypes(booking.id)).toEqual(['booking.created', 'booking.confirmed']);
      const retried = await reschedule(booking.id, longer);
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ ...longer, priceCents: 2000 });
      expect(chargesOf(booking.id).map((c) => c.amountCents)).toEqual([1000, 1000]);
    });

    it('up, then cancelled 48 h ahead: refunds everything paid, both charges', async () => {
      const ws = h.workspace();
      const booking = await h.booked(owner.token, { workspaceId: ws.id, ...slot(100) });
      expect((await reschedule(booking.id, range(booking.startTime, 180))).status).toBe(200);
      expect((await cancel(booking.id)).body.status).toBe('CANCELLED');
      expect(refundsOf(booking.id).map((r) => r.amountCents)).toEqual([3000]);
      expect(await row(booking.id)).toMatchObject({ paidCents: 0, refundDueCents: 0 });
    });
  });

  describe('delete', () => {
    it('removes a declined or expired booking that holds no money; refuses one still PENDING', async () => {
      const admin = await h.admin();
      const remove = (id: string) => h.app.delete(`/bookings/${id}`, { token: admin.token });
      const ws = h.workspace();
      const declined = await h.book(owner.token, {
        workspaceId: ws.id,
        ...slot(104),
        paymentMethod: 'pm_card_declined',
      });
      expect((await remove(declined.body.bookingId)).status).toBe(204);
      const held = await h.book(owner.token, { workspaceId: ws.id, ...slot(106), paymentMethod: 'pm_card_error' });
      expectProblem(await remove(held.body.id), 409, 'INVALID_BOOKING_STATE');
      await expireHold(held.body.id);
      await sweep();
      expect((await get(held.body.id)).body.status).toBe('EXPIRED');
      expect((await remove(held.body.id)).status).toBe(204);
    });
  });

  it('balances the money over everything this suite did: captured − refunded == Σ paidCents, nothing owed', async () => {
    await sweep();
    const captured = ledger().charges.reduce((sum, c) => sum + c.amountCents, 0);
    const refunded = ledger().refunds.reduce((sum, r) => sum + r.amountCents, 0);
    const rows = await h.prisma.booking.findMany();
    const paid = rows.reduce((sum, b) => sum + b.paidCents, 0);
    expect(captured).toBeGreaterThan(0);
    expect(refunded).toBeGreaterThan(0);
    expect(captured - refunded).toBe(paid);
    // and booking by booking
    for (const b of rows)
      expect([b.id, ledger().captured(b.id) - ledger().refunded(b.id)]).toEqual([b.id, b.paidCents]);
    expect(rows.filter((b) => b.refundDueCents > 0 || b.paymentUnresolved)).toEqual([]);
    // no key was ever charged twice
    const keys = ledger().charges.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
