import { randomUUID } from 'node:crypto';
import { PaymentStatus, SimulatedChargeOutcome } from '../../src/generated/prisma/enums.js';
import { IdempotencyRepository } from '../../src/idempotency/idempotency.repository.js';
import { Claim, IdempotencyService } from '../../src/idempotency/idempotency.service.js';
import { PaymentsRepository } from '../../src/payments/payments.repository.js';
import {
  CHARGE_ENDPOINT,
  chargeResponse,
  normaliseCharge,
  providerChargeKey,
} from '../../src/payments/payments.service.js';
import { ChargeRequest } from '../../src/provider/payment-provider.js';
import { SimulatedProviderRepository } from '../../src/provider/simulated-provider.repository.js';
import { expectProblem, PaymentServiceHarness, uniqueKey } from '../support/harness.js';

interface RecordRow extends Record<string, unknown> {
  status: string;
  lock_token: string;
  response_status: number | null;
  response_body: unknown;
  request: unknown;
  booking_id: string | null;
}

/**
 * The statements of the charge path written as raw SQL: the provider's ledger insert, the claim
 * insert and the payment recorded with the completed claim in one statement.
 */
export function chargeRecordingSuite(h: PaymentServiceHarness): void {
  const scope = `booking-service ${CHARGE_ENDPOINT}`;
  const recordOf = async (id: string) =>
    (await h.sql<RecordRow>('SELECT * FROM idempotency_records WHERE id = $1', [id]))[0];
  const ledgerCount = (providerKey: string) =>
    h.count('simulated_provider_charges', 'idempotency_key = $1', [providerKey]);
  const paymentCount = (bookingId: string) => h.count('payments', 'booking_id = $1', [bookingId]);

  async function freshClaim(body = h.chargeBody()) {
    const request = normaliseCharge(body);
    const claim = await h.app.app.get(IdempotencyService).claim({
      scope,
      key: uniqueKey(),
      request,
      bookingId: request.bookingId,
    });
    if (claim.kind !== 'claimed') throw new Error('expected a fresh claim');
    return { body, request, claim, providerKey: providerChargeKey(claim.scope, claim.key, claim.requestHash) };
  }

  function newPayment(request: ReturnType<typeof normaliseCharge>, providerKey: string, providerRef: string) {
    return {
      id: randomUUID(),
      ...request,
      status: PaymentStatus.SUCCEEDED,
      provider: 'simulated',
      providerRef,
      providerIdempotencyKey: providerKey,
      failureCode: null,
      failureMessage: null,
    };
  }

  /** Another holder takes the claim over (as a retry after its lock ran out would). */
  const steal = (claim: Claim, lockToken = randomUUID()) =>
    h.sql('UPDATE idempotency_records SET lock_token = $2 WHERE id = $1', [claim.recordId, lockToken]);

  describe('charge recording: payment and completed claim in one statement', () => {
    it('returns the row as Prisma reads it and stores the response built from it', async () => {
      const { request, claim, providerKey } = await freshClaim(h.chargeBody({ description: 'Lovelace Room' }));
      const repository = h.app.app.get(PaymentsRepository);
      const outcome = await repository.recordCharge(
        newPayment(request, providerKey, `sim_ch_${randomUUID()}`),
        claim,
        chargeResponse,
      );
      if (outcome.kind !== 'recorded') throw new Error(`expected recorded, got ${outcome.kind}`);
      const read = await repository.findById(outcome.payment.id);
      expect(outcome.payment).toStrictEqual(read);
      expect(outcome.payment.createdAt).toBeInstanceOf(Date);
      expect(outcome.payment).toMatchObject({
        refundedCents: 0,
        description: 'Lovelace Room',
        paymentMethod: 'pm_card_visa',
      });
      const record = await recordOf(claim.recordId);
      expect(record).toMatchObject({ status: 'COMPLETED', response_status: 201 });
      expect(record!.response_body).toEqual(chargeResponse(read!).body);
    });

    it('upper-case uuids: the answer, its replay (byte for byte) and a later read agree, in lower case', async () => {
      const body = h.chargeBody({
        bookingId: randomUUID().toUpperCase(),
        userId: randomUUID().toUpperCase(),
        description: 'Curie Room',
      });
      const key = uniqueKey();
      const first = await h.chargeRequest(body, key);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ bookingId: body.bookingId.toLowerCase(), userId: body.userId.toLowerCase() });
      const replay = await h.chargeRequest(body, key);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.text).toBe(first.text);
      const read = await h.app.get(`/payments/${first.body.id}`, { token: (await h.admin()).token });
      expect(read.body).toEqual(first.body);
    });

    it('a claim lost between the provider call and the record writes nothing: 409, and a retry records the charge once', async () => {
      const body = h.chargeBody();
      const key = uniqueKey();
      const provider = h.provider;
      const original = provider.charge;
      let thief: string | undefined;
      // the provider charges, then (before we record) another holder takes the claim over
      provider.charge = async (request: ChargeRequest) => {
        const result = await original.call(provider, request);
        thief = randomUUID();
        await h.sql('UPDATE idempotency_records SET lock_token = $3 WHERE scope = $1 AND key = $2', [
          scope,
          key,
          thief,
        ]);
        return result;
      };
      let res;
      try {
        res = await h.chargeRequest(body, key);
      } finally {
        provider.charge = original;
      }
      expectProblem(res, 409, 'IDEMPOTENT_REQUEST_IN_FLIGHT');
      expect(await paymentCount(body.bookingId)).toBe(0);
      const [record] = await h.sql<RecordRow>('SELECT * FROM idempotency_records WHERE scope = $1 AND key = $2', [
        scope,
        key,
      ]);
      expect(record).toMatchObject({
        status: 'IN_PROGRESS',
        lock_token: thief,
        response_status: null,
        response_body: null,
      });
      const providerKey = providerChargeKey(
        scope,
        key,
        (await h.app.app.get(IdempotencyRepository).find(scope, key))!.requestHash,
      );
      expect(await ledgerCount(providerKey)).toBe(1);

      // the thief died too: a retry takes over and records the provider's charge, once
      await h.sql(
        `UPDATE idempotency_records SET locked_until = now() - interval '1 second' WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      const retry = await h.chargeRequest(body, key);
      expect(retry.status).toBe(201);
      expect(await paymentCount(body.bookingId)).toBe(1);
      expect(await ledgerCount(providerKey)).toBe(1);
      expect((await h.chargeRequest(body, key)).text).toBe(retry.text);
    });

    it('claim lost: recordCharge answers claim-lost and leaves the payment and the claim unwritten', async () => {
      const { request, claim, providerKey } = await freshClaim();
      const thief = randomUUID();
      await steal(claim, thief);
      const outcome = await h.app.app
        .get(PaymentsRepository)
        .recordCharge(newPayment(request, providerKey, `sim_ch_${randomUUID()}`), claim, chargeResponse);
      expect(outcome).toEqual({ kind: 'claim-lost' });
      expect(await paymentCount(request.bookingId)).toBe(0);
      expect(await recordOf(claim.recordId)).toMatchObject({
        status: 'IN_PROGRESS',
        lock_token: thief,
        response_status: null,
        response_body: null,
      });
    });

    it('a payment already recorded for the provider charge: already-recorded, and the claim is not completed by it', async () => {
      const first = await freshClaim();
      const repository = h.app.app.get(PaymentsRepository);
      const data = newPayment(first.request, first.providerKey, `sim_ch_${randomUUID()}`);
      const recorded = await repository.recordCharge(data, first.claim, chargeResponse);
      if (recorded.kind !== 'recorded') throw new Error('expected recorded');

      // a second claim whose charge reaches the provider under the same key (the first record expired, say)
      const second = await freshClaim(h.chargeBody());
      const again = await repository.recordCharge({ ...data, id: randomUUID() }, second.claim, chargeResponse);
      expect(again).toEqual({ kind: 'already-recorded', payment: recorded.payment });
      // both or neither: the claim's UPDATE was undone with the refused INSERT
      expect(await recordOf(second.claim.recordId)).toMatchObject({ status: 'IN_PROGRESS', response_status: null });
      expect(await paymentCount(first.request.bookingId)).toBe(1);

      // and the same when that claim was lost as well (as when the payment was inserted first)
      const third = await freshClaim(h.chargeBody());
      await steal(third.claim);
      expect(await repository.recordCharge({ ...data, id: randomUUID() }, third.claim, chargeResponse)).toEqual({
        kind: 'already-recorded',
        payment: recorded.payment,
      });
    });

    it('an expired key used again: the provider answers its first charge, the payment recorded then is answered', async () => {
      const body = h.chargeBody();
      const key = uniqueKey();
      const first = await h.chargeRequest(body, key);
      expect(first.status).toBe(201);
      await h.sql(
        `UPDATE idempotency_records SET expires_at = now() - interval '1 second' WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      const again = await h.chargeRequest(body, key);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect(again.body).toEqual(first.body);
      expect(await paymentCount(body.bookingId)).toBe(1);
      const [record] = await h.sql<RecordRow>('SELECT * FROM idempotency_records WHERE scope = $1 AND key = $2', [
        scope,
        key,
      ]);
      expect(record).toMatchObject({ status: 'COMPLETED', response_status: 201, response_body: first.body });
      expect((await h.chargeRequest(body, key)).text).toBe(first.text);
    });

    it('a decline goes the same way: FAILED payment and the stored 402 in one statement', async () => {
      const body = h.chargeBody({ paymentMethod: 'pm_card_insufficient_funds' });
      const key = uniqueKey();
      const res = await h.chargeRequest(body, key);
      expectProblem(res, 402, 'PAYMENT_DECLINED');
      const [record] = await h.sql<RecordRow>('SELECT * FROM idempotency_records WHERE scope = $1 AND key = $2', [
        scope,
        key,
      ]);
      expect(record).toMatchObject({
        status: 'COMPLETED',
        response_status: 402,
        response_body: {
          code: 'PAYMENT_DECLINED',
          detail: res.body.detail,
          extensions: { declineCode: 'insufficient_funds', paymentId: res.body.paymentId },
        },
      });
      const [payment] = await h.sql<{ status: string; failure_code: string; failure_message: string }>(
        'SELECT status::text, failure_code, failure_message FROM payments WHERE id = $1',
        [res.body.paymentId],
      );
      expect(payment).toEqual({
        status: 'FAILED',
        failure_code: 'insufficient_funds',
        failure_message: res.body.detail,
      });
    });
  });

  describe('idempotency claim insert', () => {
    it('stores the claim with its request and booking; a second insert of the key is refused', async () => {
      const records = h.app.app.get(IdempotencyRepository);
      const now = new Date();
      const request = { bookingId: randomUUID(), amountCents: 1, description: null, nested: { b: [1, 'x'], a: true } };
      const record = {
        id: randomUUID(),
        scope,
        key: uniqueKey(),
        requestHash: 'a'.repeat(64),
        request,
        bookingId: request.bookingId,
        lockToken: randomUUID(),
        lockedUntil: new Date(now.getTime() + 30_000),
        expiresAt: new Date(now.getTime() + 86_400_000),
        createdAt: now,
      };
      expect(await records.insert(record)).toBe(true);
      expect(await records.insert({ ...record, id: randomUUID(), lockToken: randomUUID() })).toBe(false);
      expect(await records.find(scope, record.key)).toMatchObject({
        id: record.id,
        requestHash: record.requestHash,
        status: 'IN_PROGRESS',
        lockToken: record.lockToken,
        lockedUntil: record.lockedUntil,
        expiresAt: record.expiresAt,
        createdAt: record.createdAt,
        request,
        bookingId: request.bookingId,
        responseStatus: null,
        responseBody: null,
      });
      const noBooking = { ...record, id: randomUUID(), key: uniqueKey(), bookingId: null, request: undefined };
      expect(await records.insert(noBooking)).toBe(true);
      expect(await records.find(scope, noBooking.key)).toMatchObject({ bookingId: null, request: null });
    });
  });

  describe('simulated provider ledger', () => {
    const chargeRequest = (paymentMethod = 'pm_card_visa'): ChargeRequest => ({
      idempotencyKey: `pay_test_${randomUUID()}`,
      amountCents: 1234,
      currency: 'EUR',
      paymentMethod,
    });

    it('a retry with the same key returns the first charge, without a second ledger row', async () => {
      const request = chargeRequest();
      const first = await h.provider.charge(request);
      expect(first).toEqual({ outcome: 'succeeded', providerRef: expect.stringMatching(/^sim_ch_/) });
      expect(await h.provider.charge(request)).toEqual(first);
      expect(await h.provider.findCharge(request.idempotencyKey)).toEqual(first);
      expect(await ledgerCount(request.idempotencyKey)).toBe(1);
    });

    it('concurrent calls with one key make one charge and all get its answer', async () => {
      const request = chargeRequest();
      const answers = await Promise.all(Array.from({ length: 10 }, () => h.provider.charge(request)));
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(await ledgerCount(request.idempotencyKey)).toBe(1);
    });

    it('a declined charge is answered the same on a retry, one ledger row', async () => {
      const request = chargeRequest('pm_card_declined');
      const first = await h.provider.charge(request);
      expect(first).toMatchObject({ outcome: 'declined', declineCode: 'card_declined' });
      expect(await h.provider.charge(request)).toEqual(first);
      expect(await ledgerCount(request.idempotencyKey)).toBe(1);
    });

    it('recordCharge returns the row as Prisma reads it, and the first row when the key is taken', async () => {
      const ledger = h.app.app.get(SimulatedProviderRepository);
      const data = {
        id: randomUUID(),
        idempotencyKey: `pay_test_${randomUUID()}`,
        providerRef: `sim_ch_${randomUUID().replace(/-/g, '')}`,
        amountCents: 700,
        currency: 'EUR',
        paymentMethod: 'pm_card_insufficient_funds',
        outcome: SimulatedChargeOutcome.DECLINED,
        declineCode: 'insufficient_funds',
        declineMessage: 'The card has insufficient funds',
      };
      const row = await ledger.recordCharge(data);
      expect(row).toStrictEqual(await ledger.findCharge(data.idempotencyKey));
      expect(row).toMatchObject({ ...data, refundedCents: 0, createdAt: expect.any(Date) });
      const second = await ledger.recordCharge({
        ...data,
        id: randomUUID(),
        providerRef: `sim_ch_${randomUUID().replace(/-/g, '')}`,
        outcome: SimulatedChargeOutcome.SUCCEEDED,
        declineCode: undefined,
        declineMessage: undefined,
      });
      expect(second).toStrictEqual(row);
      expect(await ledgerCount(data.idempotencyKey)).toBe(1);
    });
  });
}
