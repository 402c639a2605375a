import { randomUUID } from 'node:crypto';
import { requestFingerprint as fingerprint } from '@cowork/service-kit';
import { CHARGE_ENDPOINT, normaliseCharge, providerChargeKey } from '../../src/payments/payments.service.js';
import { expectProblem, PaymentServiceHarness, uniqueKey } from '../support/harness.js';

export function idempotencySuite(h: PaymentServiceHarness): void {
  describe('Idempotency-Key on charges', () => {
    it('a replay returns the stored response and charges nothing', async () => {
      const body = h.chargeBody();
      const key = uniqueKey();
      const ledgerBefore = await h.count('simulated_provider_charges');
      const first = await h.chargeRequest(body, key);
      expect(first.status).toBe(201);
      // the same request with the keys in another order and the default spelled out
      const { bookingId, ...rest } = body;
      const again = await h.chargeRequest({ ...rest, paymentMethod: 'pm_card_visa', bookingId }, key);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await h.count('payments', 'booking_id = $1', [body.bookingId])).toBe(1);
      expect((await h.count('simulated_provider_charges')) - ledgerBefore).toBe(1);
    });

    it('a declined charge is final: the replay answers the same 402 and charges nothing', async () => {
      const body = h.chargeBody({ paymentMethod: 'pm_card_insufficient_funds' });
      const key = uniqueKey();
      const first = await h.chargeRequest(body, key);
      const again = await h.chargeRequest(body, key);
      expectProblem(again, 402, 'PAYMENT_DECLINED');
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toMatchObject({ declineCode: 'insufficient_funds', paymentId: first.body.paymentId });
      expect(again.body.detail).toBe(first.body.detail);
      expect(await h.count('payments', 'booking_id = $1', [body.bookingId])).toBe(1);
    });

    it.each([
      ['another amount', { amountCents: 5001 }],
      ['another booking', { bookingId: randomUUID() }],
      ['another payment method', { paymentMethod: 'pm_card_declined' }],
      ['a description added', { description: 'x' }],
    ])('the same key with %s is 422 IDEMPOTENCY_KEY_REUSED and charges nothing', async (_what, change) => {
      const body = h.chargeBody();
      const key = uniqueKey();
      await h.chargeRequest(body, key);
      const before = await h.count('payments');
      expectProblem(await h.chargeRequest({ ...body, ...change }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await h.count('payments')).toBe(before);
    });

    it('keys are scoped per calling client: another service with the same key makes its own charge', async () => {
      const body = h.chargeBody();
      const key = uniqueKey();
      expect((await h.chargeRequest(body, key)).status).toBe(201);
      const other = await h.chargeRequest(body, key, { token: await h.serviceToken('admin-service') });
      expect(other.status).toBe(201);
      expect(other.headers['idempotent-replayed']).toBeUndefined();
      expect(await h.count('payments', 'booking_id = $1', [body.bookingId])).toBe(2);
    });

    it('20 concurrent charges with one key charge once; the rest are replays or 409 in flight', async () => {
      const body = h.chargeBody();
      const key = uniqueKey();
      const ledgerBefore = await h.count('simulated_provider_charges');
      const results = await Promise.all(Array.from({ length: 20 }, () => h.chargeRequest(body, key)));
      const created = results.filter((r) => r.status === 201);
      const inFlight = results.filter((r) => r.status === 409);
      expect(created.length + inFlight.length).toBe(20);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const r of inFlight) expectProblem(r, 409, 'IDEMPOTENT_REQUEST_IN_FLIGHT');
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      expect(await h.count('payments', 'booking_id = $1', [body.bookingId])).toBe(1);
      expect((await h.count('simulated_provider_charges')) - ledgerBefore).toBe(1);
      const settled = await h.chargeRequest(body, key);
      expect(settled.status).toBe(201);
      expect(settled.body.id).toBe(created[0]!.body.id);
    });

    it('a crash between "provider charged" and "recorded" is recovered by a retry: same charge, once', async () => {
      const body = h.chargeBody();
      const key = uniqueKey();
      const scope = `booking-service ${CHARGE_ENDPOINT}`;
      const requestHash = fingerprint(normaliseCharge(body));
      // the crashed holder: it claimed the key (lock now expired) and the provider charged
      await h.sql(
        `INSERT INTO idempotency_records (id, scope, key, request_hash, status, lock_token, locked_until, expires_at, updated_at)
         VALUES ($1, $2, $3, $4, 'IN_PROGRESS', $5, now() - interval '1 second', now() + interval '1 day', now())`,
        [randomUUID(), scope, key, requestHash, randomUUID()],
      );
      const charged = await h.provider.charge({
        idempotencyKey: providerChargeKey(scope, key, requestHash),
        amountCents: body.amountCents,
        currency: body.currency,
        paymentMethod: 'pm_card_visa',
      });
      const ledgerBefore = await h.count('simulated_provider_charges');
      const retry = await h.chargeRequest(body, key);
      expect(retry.status).toBe(201);
      expect(retry.body.providerRef).toBe((charged as { providerRef: string }).providerRef);
      expect(await h.count('simulated_provider_charges')).toBe(ledgerBefore);
      expect(await h.count('payments', 'booking_id = $1', [body.bookingId])).toBe(1);
    });

    it('a twin whose holder is still working (lock not expired) gets 409', async () => {
      const body = h.chargeBody();
      const key = uniqueKey();
      await h.sql(
        `INSERT INTO idempotency_records (id, scope, key, request_hash, status, lock_token, locked_until, expires_at, updated_at)
         VALUES ($1, $2, $3, $4, 'IN_PROGRESS', $5, now() + interval '1 minute', now() + interval '1 day', now())`,
        [randomUUID(), `booking-service ${CHARGE_ENDPOINT}`, key, fingerprint(normaliseCharge(body)), randomUUID()],
      );
      const res = await h.chargeRequest(body, key);
      expectProblem(res, 409, 'IDEMPOTENT_REQUEST_IN_FLIGHT');
      expect(res.headers['retry-after']).toBeDefined();
    });

    it('keeps keys at least 24 hours', async () => {
      const key = uniqueKey();
      await h.chargeRequest(h.chargeBody(), key);
      const [row] = await h.sql<{ hours: number }>(
        'SELECT extract(epoch FROM expires_at - created_at)::float / 3600 AS hours FROM idempotency_records WHERE key = $1',
        [key],
      );
      expect(Number(row!.hours)).toBeGreaterThanOrEqual(24);
    });
  });
}
