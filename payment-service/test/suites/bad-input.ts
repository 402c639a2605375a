import { randomUUID } from 'node:crypto';
import { expectProblem, PaymentServiceHarness, uniqueKey, violatedFields } from '../support/harness.js';

/** Hostile and broken input: always a 4xx problem naming what is wrong, never a 500. */
export function badInputSuite(h: PaymentServiceHarness): void {
  describe('bad input', () => {
    const rawCharge = async (rawBody: string, headers: Record<string, string> = {}) =>
      h.app.post('/internal/charges', {
        token: await h.serviceToken(),
        rawBody,
        headers: { 'idempotency-key': uniqueKey(), ...headers },
      });

    async function expectStillServing(): Promise<void> {
      expect((await h.chargeRequest(h.chargeBody())).status).toBe(201);
    }

    it.each([
      ['truncated JSON', '{"bookingId":'],
      ['a trailing comma', '{"amountCents":1,}'],
      ['not JSON', 'amountCents=1'],
      ['an empty body', ''],
      ['a __proto__ key', `{"__proto__":{"amountCents":1}}`],
    ])('answers %s with 400', async (_what, rawBody) => {
      expectProblem(await rawCharge(rawBody), 400);
      await expectStillServing();
    });

    it.each([['[]'], ['"x"'], ['42'], ['null']])(
      'answers the JSON %s where an object is expected with 400',
      async (rawBody) => {
        expectProblem(await rawCharge(rawBody), 400);
      },
    );

    it('answers 2 MB with 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await h.chargeRequest({ ...h.chargeBody(), description: 'x'.repeat(2 * 1024 * 1024) });
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
      await expectStillServing();
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown field', { status: 'SUCCEEDED' }, 'status'],
      ['a bookingId that is not a UUID', { bookingId: 'booking-1' }, 'bookingId'],
      ['a userId that is not a UUID', { userId: 42 }, 'userId'],
      ['amountCents 0', { amountCents: 0 }, 'amountCents'],
      ['a negative amount', { amountCents: -5 }, 'amountCents'],
      ['a fractional amount', { amountCents: 10.5 }, 'amountCents'],
      ['an amount as a string', { amountCents: '5000' }, 'amountCents'],
      ['an amount beyond the maximum', { amountCents: 5_000_000_000 }, 'amountCents'],
      ['a lower-case currency', { currency: 'eur' }, 'currency'],
      ['a four-letter currency', { currency: 'EURO' }, 'currency'],
      ['an unknown payment method', { paymentMethod: 'pm_card_amex' }, 'paymentMethod'],
      ['a description over 200 characters', { description: 'x'.repeat(201) }, 'description'],
      ['a description with a NUL', { description: 'a\u0000b' }, 'description'],
    ])('refuses a charge with %s: 400 VALIDATION_FAILED naming it', async (_what, change, field) => {
      const res = await h.chargeRequest({ ...h.chargeBody(), ...change });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
    });

    it('names every missing field at once', async () => {
      const res = await h.chargeRequest({});
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual(expect.arrayContaining(['bookingId', 'userId', 'amountCents', 'currency']));
    });

    it.each([
      ['missing', null],
      ['empty', ''],
      ['with a space', 'two words'],
      ['longer than 255 characters', 'k'.repeat(256)],
      ['with a non-ASCII character', 'clé-1'],
    ])('refuses an Idempotency-Key that is %s with 400 IDEMPOTENCY_KEY_REQUIRED', async (_what, key) => {
      const body = h.chargeBody();
      expectProblem(await h.chargeRequest(body, key), 400, 'IDEMPOTENCY_KEY_REQUIRED');
      expectProblem(
        await h.refundRequest(randomUUID(), { amountCents: 1, reason: 'x' }, key),
        400,
        'IDEMPOTENCY_KEY_REQUIRED',
      );
      expect(await h.count('payments', 'booking_id = $1', [body.bookingId])).toBe(0);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['amountCents 0', { amountCents: 0, reason: 'x' }, 'amountCents'],
      ['no reason', { amountCents: 1 }, 'reason'],
      ['a blank reason', { amountCents: 1, reason: '   ' }, 'reason'],
      ['a reason over 200 characters', { amountCents: 1, reason: 'r'.repeat(201) }, 'reason'],
      ['an unknown field', { amountCents: 1, reason: 'x', paymentId: randomUUID() }, 'paymentId'],
    ])('refuses a refund with %s: 400 naming it', async (_what, body, field) => {
      const res = await h.refundRequest(randomUUID(), body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toContain(field);
    });

    it('refuses invalid UUIDs in paths and queries with 400 naming them', async () => {
      const service = await h.serviceToken();
      const admin = await h.admin();
      const checks = [
        [await h.refundRequest('not-a-uuid', { amountCents: 1, reason: 'x' }), 'bookingId'],
        [await h.app.get('/internal/bookings/123/payments', { token: service }), 'bookingId'],
        [await h.app.get('/payments/xyz', { token: admin.token }), 'id'],
        [await h.app.get('/payments', { token: admin.token, query: { bookingId: 'b' } }), 'bookingId'],
        [await h.app.get('/payments', { token: admin.token, query: { userId: 'u' } }), 'userId'],
        [await h.app.get('/payments', { token: admin.token, query: { status: 'PAID' } }), 'status'],
        [await h.app.get('/payments', { token: admin.token, query: { limit: '0' } }), 'limit'],
        [await h.app.get('/payments', { token: admin.token, query: { limit: '101' } }), 'limit'],
        [await h.app.get('/payments', { token: admin.token, query: { cursor: 'garbage' } }), 'cursor'],
      ] as const;
      for (const [res, field] of checks) {
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(violatedFields(res)).toContain(field);
      }
    });
  });
}
