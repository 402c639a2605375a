import { randomUUID } from 'node:crypto';
import { expectProblem, PaymentServiceHarness, uniqueKey } from '../support/harness.js';

export function refundsSuite(h: PaymentServiceHarness): void {
  describe('POST /internal/bookings/:bookingId/refunds', () => {
    const paymentsOf = (bookingId: string) =>
      h.sql<{ amount_cents: number; refunded_cents: number; status: string }>(
        'SELECT amount_cents, refunded_cents, status FROM payments WHERE booking_id = $1 ORDER BY created_at DESC, id DESC',
        [bookingId],
      );

    it('refunds partially, then the rest: PARTIALLY_REFUNDED, then REFUNDED', async () => {
      const payment = await h.charge({ amountCents: 5000 });
      const first = await h.refundRequest(payment.bookingId, { amountCents: 2000, reason: 'late cancellation' });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        refundedCents: 2000,
        refunds: [
          {
            id: expect.any(String),
            paymentId: payment.id,
            amountCents: 2000,
            status: 'SUCCEEDED',
            reason: 'late cancellation',
            createdAt: expect.any(String),
          },
        ],
      });
      expect(await paymentsOf(payment.bookingId)).toEqual([
        { amount_cents: 5000, refunded_cents: 2000, status: 'PARTIALLY_REFUNDED' },
      ]);
      const rest = await h.refundRequest(payment.bookingId, { amountCents: 3000, reason: 'rest' });
      expect(rest.status).toBe(201);
      expect((await paymentsOf(payment.bookingId))[0]).toMatchObject({ refunded_cents: 5000, status: 'REFUNDED' });
      const read = await h.app.get(`/payments/${payment.id}`, { token: (await h.admin()).token });
      expect(read.body).toMatchObject({ status: 'REFUNDED', refundedCents: 5000 });
      expect(await h.count('simulated_provider_refunds', 'charge_ref = $1', [payment.providerRef])).toBe(2);
    });

    it('draws on several payments, newest first', async () => {
      const bookingId = randomUUID();
      const older = await h.charge({ bookingId, amountCents: 1000 });
      const newer = await h.charge({ bookingId, amountCents: 600 });
      const res = await h.refundRequest(bookingId, { amountCents: 1000, reason: 'cancelled' });
      expect(res.status).toBe(201);
      expect(res.body.refundedCents).toBe(1000);
      expect(
        res.body.refunds.map((r: { paymentId: string; amountCents: number }) => [r.paymentId, r.amountCents]),
      ).toEqual([
        [newer.id, 600],
        [older.id, 400],
      ]);
      expect((await paymentsOf(bookingId)).map((p) => p.status)).toEqual(['REFUNDED', 'PARTIALLY_REFUNDED']);
    });

    it('refuses more than remains captured with 422 REFUND_EXCEEDS_CAPTURED and refunds nothing', async () => {
      const payment = await h.charge({ amountCents: 1000 });
      await h.refundRequest(payment.bookingId, { amountCents: 400, reason: 'part' });
      const key = uniqueKey();
      const res = await h.refundRequest(payment.bookingId, { amountCents: 601, reason: 'too much' }, key);
      expectProblem(res, 422, 'REFUND_EXCEEDS_CAPTURED');
      expect(res.body).toMatchObject({ requestedCents: 601, refundableCents: 600 });
      expect((await paymentsOf(payment.bookingId))[0]).toMatchObject({ refunded_cents: 400 });
      expect(await h.count('refunds', 'payment_id = $1', [payment.id])).toBe(1);
      // nothing was stored under the key: a retry is evaluated afresh
      expect(await h.count('idempotency_records', 'key = $1', [key])).toBe(0);
    });

    it('a booking with no captured money (none, or only declined) is 422 REFUND_EXCEEDS_CAPTURED', async () => {
      expectProblem(
        await h.refundRequest(randomUUID(), { amountCents: 1, reason: 'x' }),
        422,
        'REFUND_EXCEEDS_CAPTURED',
      );
      const body = h.chargeBody({ paymentMethod: 'pm_card_declined' });
      await h.chargeRequest(body);
      expectProblem(
        await h.refundRequest(body.bookingId, { amountCents: 1, reason: 'x' }),
        422,
        'REFUND_EXCEEDS_CAPTURED',
      );
    });

    it('replays a refund with its stored response and refunds nothing more', async () => {
      const payment = await h.charge({ amountCents: 1000 });
      const key = uniqueKey();
      const first = await h.refundRequest(payment.bookingId, { amountCents: 300, reason: 'replay me' }, key);
      const again = await h.refundRequest(payment.bookingId, { amountCents: 300, reason: 'replay me' }, key);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await paymentsOf(payment.bookingId))[0]).toMatchObject({ refunded_cents: 300 });
      expect(await h.count('simulated_provider_refunds', 'charge_ref = $1', [payment.providerRef])).toBe(1);
      expectProblem(
        await h.refundRequest(payment.bookingId, { amountCents: 301, reason: 'replay me' }, key),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
    });

    it('concurrent refunds of one booking never exceed what was captured', async () => {
      const payment = await h.charge({ amountCents: 1000 });
      const results = await Promise.all(
        Array.from({ length: 8 }, () => h.refundRequest(payment.bookingId, { amountCents: 300, reason: 'race' })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 422, 422, 422, 422, 422]);
      expect((await paymentsOf(payment.bookingId))[0]).toMatchObject({
        refunded_cents: 900,
        status: 'PARTIALLY_REFUNDED',
      });
      const [ledger] = await h.sql<{ refunded: number }>(
        'SELECT coalesce(sum(amount_cents), 0)::int AS refunded FROM simulated_provider_refunds WHERE charge_ref = $1',
        [payment.providerRef],
      );
      expect(ledger!.refunded).toBe(900);
    });

    it('a provider failure midway leaves the refund reserved; a retry with the same key finishes it once', async () => {
      const payment = await h.charge({ amountCents: 1000 });
      const key = uniqueKey();
      h.provider.failNextCalls(1);
      const failed = await h.refundRequest(payment.bookingId, { amountCents: 700, reason: 'retry me' }, key);
      expectProblem(failed, 503, 'PROVIDER_UNAVAILABLE');
      expect(await h.count('refunds', "payment_id = $1 AND status = 'PENDING'", [payment.id])).toBe(1);
      // the reservation holds: nobody else can refund that money meanwhile
      expectProblem(await h.refundRequest(payment.bookingId, { amountCents: 301, reason: 'other' }), 422);
      const retry = await h.refundRequest(payment.bookingId, { amountCents: 700, reason: 'retry me' }, key);
      expect(retry.status).toBe(201);
      expect(retry.body.refundedCents).toBe(700);
      expect(await h.count('refunds', "payment_id = $1 AND status = 'SUCCEEDED'", [payment.id])).toBe(1);
      expect((await paymentsOf(payment.bookingId))[0]).toMatchObject({ refunded_cents: 700 });
      expect(await h.count('simulated_provider_refunds', 'charge_ref = $1', [payment.providerRef])).toBe(1);
    });
  });
}
