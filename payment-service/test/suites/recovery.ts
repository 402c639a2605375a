import { IdempotencyRepository } from '../../src/idempotency/idempotency.repository.js';
import { IdempotencyService } from '../../src/idempotency/idempotency.service.js';
import { ChargeRecovery } from '../../src/payments/charge-recovery.js';
import {
  CHARGE_ENDPOINT,
  normaliseCharge,
  PaymentsService,
  providerChargeKey,
} from '../../src/payments/payments.service.js';
import { REFUND_ENDPOINT } from '../../src/payments/refunds.service.js';
import { ChargeBody, expectProblem, PaymentServiceHarness, uniqueKey } from '../support/harness.js';

interface RecordRow extends Record<string, unknown> {
  status: string;
  lock_token: string;
  response_status: number | null;
  response_body: unknown;
}

export function recoverySuite(h: PaymentServiceHarness): void {
  describe('charge recovery (a process died between "provider charged" and "recorded")', () => {
    const scope = `booking-service ${CHARGE_ENDPOINT}`;
    const recovery = () => h.app.app.get(ChargeRecovery);

    /**
     * What a charge leaves behind when its process is killed after the provider call: the claim
     * made by the service's own IdempotencyService (IN_PROGRESS, request kept), the provider
     * called under the key the charge would have used (or not), and no payment.
     */
    async function interruptedCharge(
      opts: { providerCalled: boolean; lockExpired: boolean },
      overrides: Partial<ChargeBody> = {},
    ) {
      const body = h.chargeBody(overrides);
      const key = uniqueKey();
      const request = normaliseCharge(body);
      const claim = await h.app.app
        .get(IdempotencyService)
        .claim({ scope, key, request, bookingId: request.bookingId });
      if (claim.kind !== 'claimed') throw new Error('expected a fresh claim');
      const providerKey = providerChargeKey(claim.scope, claim.key, claim.requestHash);
      const charged = opts.providerCalled
        ? await h.provider.charge({
            idempotencyKey: providerKey,
            amountCents: request.amountCents,
            currency: request.currency,
            paymentMethod: request.paymentMethod,
          })
        : undefined;
      if (opts.lockExpired) {
        await h.sql(`UPDATE idempotency_records SET locked_until = now() - interval '1 second' WHERE id = $1`, [
          claim.recordId,
        ]);
      }
      return { body, key, claim, providerKey, providerRef: (charged as { providerRef?: string })?.providerRef };
    }

    const recordOf = async (id: string) =>
      (await h.sql<RecordRow>('SELECT * FROM idempotency_records WHERE id = $1', [id]))[0];
    const ledgerCount = (providerKey: string) =>
      h.count('simulated_provider_charges', 'idempotency_key = $1', [providerKey]);
    const paymentsOf = (bookingId: string) =>
      h.sql<{ id: string; status: string; provider_ref: string | null }>(
        'SELECT id, status::text, provider_ref FROM payments WHERE booking_id = $1',
        [bookingId],
      );
    const inFlight = async (bookingId: string) => {
      const res = await h.app.get(`/internal/bookings/${bookingId}/payments`, { token: await h.serviceToken() });
      expect(res.status).toBe(200);
      return res.body.chargesInFlight as number;
    };

    it('records the charge the provider holds, once, and a later retry replays it without charging', async () => {
      const crashed = await interruptedCharge({ providerCalled: true, lockExpired: true });
      expect(await paymentsOf(crashed.body.bookingId)).toEqual([]);
      expect(await inFlight(crashed.body.bookingId)).toBe(1);

      const pass = await recovery().recover();
      expect(pass.recorded).toBeGreaterThanOrEqual(1);

      const payments = await paymentsOf(crashed.body.bookingId);
      expect(payments).toEqual([{ id: expect.any(String), status: 'SUCCEEDED', provider_ref: crashed.providerRef }]);
      const record = await recordOf(crashed.claim.recordId);
      expect(record).toMatchObject({ status: 'COMPLETED', response_status: 201 });
      expect(record!.response_body).toMatchObject({ id: payments[0]!.id, status: 'SUCCEEDED', refundedCents: 0 });
      expect(await inFlight(crashed.body.bookingId)).toBe(0);

      // a second pass finds nothing to do for it
      await recovery().recover();
      expect(await paymentsOf(crashed.body.bookingId)).toHaveLength(1);

      const retry = await h.chargeRequest(crashed.body, crashed.key);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(record!.response_body);
      expect(retry.body).toMatchObject({ providerRef: crashed.providerRef, amountCents: crashed.body.amountCents });
      expect(await ledgerCount(crashed.providerKey)).toBe(1);
      expect(await paymentsOf(crashed.body.bookingId)).toHaveLength(1);
    });

    it('records a decline the provider holds as the FAILED payment and stores the 402 a replay answers', async () => {
      const crashed = await interruptedCharge(
        { providerCalled: true, lockExpired: true },
        { paymentMethod: 'pm_card_declined' },
      );
      await recovery().recover();
      const payments = await paymentsOf(crashed.body.bookingId);
      expect(payments).toEqual([{ id: expect.any(String), status: 'FAILED', provider_ref: null }]);
      const retry = await h.chargeRequest(crashed.body, crashed.key);
      expectProblem(retry, 402, 'PAYMENT_DECLINED');
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toMatchObject({ declineCode: 'card_declined', paymentId: payments[0]!.id });
    });

    it('releases a stale claim the provider holds no charge for; a retry then charges once', async () => {
      const crashed = await interruptedCharge({ providerCalled: false, lockExpired: true });
      expect(await inFlight(crashed.body.bookingId)).toBe(1);
      const pass = await recovery().recover();
      expect(pass.released).toBeGreaterThanOrEqual(1);
      expect(await recordOf(crashed.claim.recordId)).toBeUndefined();
      expect(await inFlight(crashed.body.bookingId)).toBe(0);
      expect(await paymentsOf(crashed.body.bookingId)).toEqual([]);
      expect(await ledgerCount(crashed.providerKey)).toBe(0);

      const retry = await h.chargeRequest(crashed.body, crashed.key);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      expect(await ledgerCount(crashed.providerKey)).toBe(1);
      expect(await paymentsOf(crashed.body.bookingId)).toHaveLength(1);
    });

    it('leaves alone a claim whose holder still holds a valid lock, charged or not', async () => {
      const charged = await interruptedCharge({ providerCalled: true, lockExpired: false });
      const pending = await interruptedCharge({ providerCalled: false, lockExpired: false });
      const before = await Promise.all([recordOf(charged.claim.recordId), recordOf(pending.claim.recordId)]);
      await recovery().recover();
      // and when handed one directly, it does not take it over
      const live = (await h.app.app.get(IdempotencyRepository).find(scope, charged.key))!;
      expect(await h.app.app.get(PaymentsService).recoverCharge(live)).toBe('not-taken');
      for (const [i, crashed] of [charged, pending].entries()) {
        const row = await recordOf(crashed.claim.recordId);
        expect(row).toMatchObject({ status: 'IN_PROGRESS', lock_token: before[i]!.lock_token });
        expect(await paymentsOf(crashed.body.bookingId)).toEqual([]);
        expect(await inFlight(crashed.body.bookingId)).toBe(1);
      }
      // the live holder can still finish its work
      const idempotency = h.app.app.get(IdempotencyService);
      expect(await idempotency.release(charged.claim)).toBeUndefined();
      expect(await idempotency.release(pending.claim)).toBeUndefined();
      expect(await recordOf(charged.claim.recordId)).toBeUndefined();
    });

    it('two concurrent recovery passes (two replicas) record one payment', async () => {
      const crashed = await Promise.all(
        Array.from({ length: 3 }, () => interruptedCharge({ providerCalled: true, lockExpired: true })),
      );
      await Promise.all([recovery().recover(), recovery().recover()]);
      for (const c of crashed) {
        expect(await paymentsOf(c.body.bookingId)).toEqual([
          { id: expect.any(String), status: 'SUCCEEDED', provider_ref: c.providerRef },
        ]);
        expect(await recordOf(c.claim.recordId)).toMatchObject({ status: 'COMPLETED', response_status: 201 });
        expect(await ledgerCount(c.providerKey)).toBe(1);
      }
    });

    it('two recoveries of the same stale claim: one takes it over and records, the other stands back', async () => {
      const crashed = await interruptedCharge({ providerCalled: true, lockExpired: true });
      const record = await h.app.app
        .get(IdempotencyService)
        .findStale(CHARGE_ENDPOINT, 1000)
        .then((rows) => rows.find((r) => r.id === crashed.claim.recordId)!);
      const payments = h.app.app.get(PaymentsService);
      const outcomes = await Promise.all([payments.recoverCharge(record), payments.recoverCharge(record)]);
      expect(outcomes.sort()).toEqual(['not-taken', 'recorded']);
      expect(await paymentsOf(crashed.body.bookingId)).toHaveLength(1);
    });

    it('a recovery racing a retry of the same key: one payment, one provider charge', async () => {
      const crashed = await interruptedCharge({ providerCalled: true, lockExpired: true });
      const [retry] = await Promise.all([h.chargeRequest(crashed.body, crashed.key), recovery().recover()]);
      // the retry either took the claim over (201), met the recovery's lock (409) or replayed its result
      expect([201, 409]).toContain(retry.status);
      const settled = await h.chargeRequest(crashed.body, crashed.key);
      expect(settled.status).toBe(201);
      expect(settled.body.providerRef).toBe(crashed.providerRef);
      expect(await paymentsOf(crashed.body.bookingId)).toHaveLength(1);
      expect(await ledgerCount(crashed.providerKey)).toBe(1);
    });

    it('a provider outage during the lookup leaves the claim to a later pass (or a retry, at once)', async () => {
      const crashed = await interruptedCharge({ providerCalled: true, lockExpired: true });
      const record = (await h.app.app.get(IdempotencyService).findStale(CHARGE_ENDPOINT, 1000)).find(
        (r) => r.id === crashed.claim.recordId,
      )!;
      h.provider.failNextCalls(1);
      await expect(h.app.app.get(PaymentsService).recoverCharge(record)).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
      });
      const row = await recordOf(crashed.claim.recordId);
      expect(row).toMatchObject({ status: 'IN_PROGRESS' });
      expect(await paymentsOf(crashed.body.bookingId)).toEqual([]);
      await recovery().recover();
      expect(await paymentsOf(crashed.body.bookingId)).toHaveLength(1);
    });

    it('chargesInFlight counts the booking’s IN_PROGRESS charge claims, whatever their lock; not refunds', async () => {
      const paid = await h.charge();
      const bookingId = paid.bookingId;
      expect(await inFlight(bookingId)).toBe(0);
      const live = await interruptedCharge({ providerCalled: false, lockExpired: false }, { bookingId });
      const stale = await interruptedCharge({ providerCalled: false, lockExpired: true }, { bookingId });
      // a refund claim of the booking still in flight is not a charge
      const refundClaim = await h.app.app.get(IdempotencyService).claim({
        scope: `booking-service ${REFUND_ENDPOINT}`,
        key: uniqueKey(),
        request: { bookingId, amountCents: 100, reason: 'x' },
        bookingId,
      });
      const res = await h.app.get(`/internal/bookings/${bookingId}/payments`, { token: await h.serviceToken() });
      expect(res.body).toMatchObject({ capturedCents: paid.amountCents, chargesInFlight: 2 });
      expect(res.body.payments).toHaveLength(1);
      await h.app.app.get(IdempotencyService).release(live.claim);
      if (refundClaim.kind === 'claimed') await h.app.app.get(IdempotencyService).release(refundClaim);
      await recovery().recover(); // the stale one, never charged, is released
      expect(await recordOf(stale.claim.recordId)).toBeUndefined();
      expect(await inFlight(bookingId)).toBe(0);
    });
  });
}
