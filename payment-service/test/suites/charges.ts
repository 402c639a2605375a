import { randomUUID } from 'node:crypto';
import { expectProblem, PaymentServiceHarness, uniqueKey } from '../support/harness.js';

export function chargesSuite(h: PaymentServiceHarness): void {
  describe('POST /internal/charges: each payment method', () => {
    it('pm_card_visa (and the default) succeeds: 201 SUCCEEDED with a provider reference', async () => {
      for (const paymentMethod of ['pm_card_visa', undefined]) {
        const body = h.chargeBody({ paymentMethod, description: 'Lovelace Room' });
        const res = await h.chargeRequest(body);
        expect(res.status).toBe(201);
        expect(res.headers['idempotent-replayed']).toBeUndefined();
        expect(res.body).toEqual({
          id: expect.any(String),
          bookingId: body.bookingId,
          userId: body.userId,
          amountCents: 5000,
          currency: 'EUR',
          status: 'SUCCEEDED',
          refundedCents: 0,
          provider: 'simulated',
          providerRef: expect.stringMatching(/^sim_ch_/),
          failureCode: null,
          failureMessage: null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        });
        const [row] = await h.sql<{ payment_method: string }>('SELECT payment_method FROM payments WHERE id = $1', [
          res.body.id,
        ]);
        expect(row!.payment_method).toBe('pm_card_visa');
      }
    });

    it.each([
      ['pm_card_declined', 'card_declined'],
      ['pm_card_insufficient_funds', 'insufficient_funds'],
    ])(
      '%s declines: 402 PAYMENT_DECLINED with declineCode %s and the FAILED payment recorded',
      async (method, code) => {
        const body = h.chargeBody({ paymentMethod: method });
        const res = await h.chargeRequest(body);
        expectProblem(res, 402, 'PAYMENT_DECLINED');
        expect(res.body).toMatchObject({ declineCode: code, paymentId: expect.any(String) });
        const payments = await h.sql<{ id: string; status: string; failure_code: string; provider_ref: string | null }>(
          'SELECT id, status, failure_code, provider_ref FROM payments WHERE booking_id = $1',
          [body.bookingId],
        );
        expect(payments).toEqual([
          { id: res.body.paymentId, status: 'FAILED', failure_code: code, provider_ref: null },
        ]);
      },
    );

    it('pm_card_error is a provider failure: 503 PROVIDER_UNAVAILABLE with Retry-After, nothing recorded, key freed', async () => {
      const body = h.chargeBody({ paymentMethod: 'pm_card_error' });
      const key = uniqueKey();
      const res = await h.chargeRequest(body, key);
      expectProblem(res, 503, 'PROVIDER_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(await h.count('payments', 'booking_id = $1', [body.bookingId])).toBe(0);
      expect(await h.count('idempotency_records', 'key = $1', [key])).toBe(0);
    });

    it('a provider outage then a retry with the same key and body charges exactly once', async () => {
      const body = h.chargeBody();
      const key = uniqueKey();
      const ledgerBefore = await h.count('simulated_provider_charges');
      h.provider.failNextCalls(1);
      expectProblem(await h.chargeRequest(body, key), 503, 'PROVIDER_UNAVAILABLE');
      const retry = await h.chargeRequest(body, key);
      expect(retry.status).toBe(201);
      expect(retry.body.status).toBe('SUCCEEDED');
      expect(await h.count('payments', 'booking_id = $1', [body.bookingId])).toBe(1);
      expect((await h.count('simulated_provider_charges')) - ledgerBefore).toBe(1);
    });

    it('a provider that does not answer in time is a 503 too', async () => {
      const slow = new PaymentServiceHarness({ SIMULATED_PROVIDER_LATENCY_MS: '400', PROVIDER_TIMEOUT_MS: '100' });
      await slow.start();
      try {
        const body = slow.chargeBody();
        const key = uniqueKey();
        expectProblem(await slow.chargeRequest(body, key), 503, 'PROVIDER_UNAVAILABLE');
        expect(await slow.count('payments')).toBe(0);
        // the provider finished behind our back; the retry finds its charge rather than making another
        await new Promise((r) => setTimeout(r, 500));
        expect(await slow.count('simulated_provider_charges')).toBe(1);
      } finally {
        await slow.close();
      }
    });
  });

  describe('reading payments', () => {
    it('GET /payments/:id: the payer and admins see it, another member gets 404', async () => {
      const payer = await h.member();
      const other = await h.member();
      const admin = await h.admin();
      const payment = await h.charge({ userId: payer.id });
      expect((await h.app.get(`/payments/${payment.id}`, { token: payer.token })).body).toEqual(payment);
      expect((await h.app.get(`/payments/${payment.id}`, { token: admin.token })).status).toBe(200);
      expectProblem(await h.app.get(`/payments/${payment.id}`, { token: other.token }), 404, 'PAYMENT_NOT_FOUND');
      expectProblem(await h.app.get(`/payments/${randomUUID()}`, { token: admin.token }), 404, 'PAYMENT_NOT_FOUND');
    });

    it('GET /payments: own payments for a member, all (filterable) for an admin, paginated newest first', async () => {
      const payer = await h.member();
      const admin = await h.admin();
      const bookingId = randomUUID();
      const a = await h.charge({ userId: payer.id, bookingId });
      const b = await h.charge({ userId: payer.id });
      await h.chargeRequest(h.chargeBody({ userId: payer.id, bookingId, paymentMethod: 'pm_card_declined' }));
      await h.charge(); // someone else's

      const own = await h.app.get('/payments', { token: payer.token, query: { limit: '2' } });
      expect(own.status).toBe(200);
      expect(own.body.items).toHaveLength(2);
      expect(own.body.items.every((p: { userId: string }) => p.userId === payer.id)).toBe(true);
      const next = await h.app.get('/payments', {
        token: payer.token,
        query: { limit: '2', cursor: own.body.nextCursor },
      });
      expect(next.body.items).toHaveLength(1);
      expect(next.body.nextCursor).toBeNull();
      expect([...own.body.items, ...next.body.items].map((p: { id: string }) => p.id)).toContain(b.id);

      const ofBooking = await h.app.get('/payments', { token: payer.token, query: { bookingId, status: 'SUCCEEDED' } });
      expect(ofBooking.body.items.map((p: { id: string }) => p.id)).toEqual([a.id]);
      expect(ofBooking.body.items[0]).toMatchObject({
        id: a.id,
        bookingId,
        amountCents: 5000,
        currency: 'EUR',
        status: 'SUCCEEDED',
        refundedCents: 0,
      });

      const asAdmin = await h.app.get('/payments', { token: admin.token, query: { userId: payer.id, limit: '100' } });
      expect(asAdmin.body.items).toHaveLength(3);
      const all = await h.app.get('/payments', { token: admin.token, query: { limit: '100' } });
      expect(all.body.items.length).toBeGreaterThan(3);

      expectProblem(
        await h.app.get('/payments', { token: payer.token, query: { userId: admin.id } }),
        403,
        'FORBIDDEN',
      );
      expect((await h.app.get('/payments', { token: payer.token, query: { userId: payer.id } })).status).toBe(200);
    });

    it('GET /internal/bookings/:id/payments sums what was captured and refunded', async () => {
      const bookingId = randomUUID();
      await h.charge({ bookingId, amountCents: 3000 });
      await h.chargeRequest(h.chargeBody({ bookingId, paymentMethod: 'pm_card_declined' }));
      await h.charge({ bookingId, amountCents: 2000 });
      expect((await h.refundRequest(bookingId, { amountCents: 500, reason: 'goodwill' })).status).toBe(201);
      const res = await h.app.get(`/internal/bookings/${bookingId}/payments`, { token: await h.serviceToken() });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ capturedCents: 5000, refundedCents: 500 });
      expect(res.body.payments.map((p: { status: string }) => p.status)).toEqual([
        'PARTIALLY_REFUNDED',
        'FAILED',
        'SUCCEEDED',
      ]);
      const none = await h.app.get(`/internal/bookings/${randomUUID()}/payments`, { token: await h.serviceToken() });
      expect(none.body).toEqual({ capturedCents: 0, refundedCents: 0, chargesInFlight: 0, payments: [] });
    });
  });
}
