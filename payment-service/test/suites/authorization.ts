import type { TestRequest } from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { Actor, expectProblem, Payment, PaymentServiceHarness, uniqueKey } from '../support/harness.js';

type As = 'anonymous' | 'owner' | 'other' | 'admin' | 'service';

/** Who may call what: every endpoint against every kind of caller. */
export function authorizationSuite(h: PaymentServiceHarness): void {
  describe('authorization matrix', () => {
    let owner: Actor;
    let other: Actor;
    let admin: Actor;
    let service: string;
    let payment: Payment;

    beforeAll(async () => {
      owner = await h.member();
      other = await h.member();
      admin = await h.admin();
      service = await h.serviceToken();
      payment = await h.charge({ userId: owner.id, amountCents: 10_000 });
    });

    const tokenFor = (as: As) =>
      ({ anonymous: undefined, owner: owner.token, other: other.token, admin: admin.token, service })[as];

    const endpoints: Record<string, (as: As) => Promise<{ status: number; text: string } & object>> = {
      'GET /payments': (as) => h.app.get('/payments', { token: tokenFor(as) }),
      'GET /payments/:id': (as) => h.app.get(`/payments/${payment.id}`, { token: tokenFor(as) }),
      'POST /internal/charges': (as) =>
        h.app.post('/internal/charges', {
          token: tokenFor(as),
          body: h.chargeBody({ userId: owner.id }),
          headers: { 'idempotency-key': uniqueKey() },
        } satisfies TestRequest),
      'POST /internal/bookings/:bookingId/refunds': (as) =>
        h.app.post(`/internal/bookings/${payment.bookingId}/refunds`, {
          token: tokenFor(as),
          body: { amountCents: 1, reason: 'authorization matrix' },
          headers: { 'idempotency-key': uniqueKey() },
        }),
      'GET /internal/bookings/:bookingId/payments': (as) =>
        h.app.get(`/internal/bookings/${payment.bookingId}/payments`, { token: tokenFor(as) }),
    };

    const expected: Record<string, Record<As, number>> = {
      'GET /payments': { anonymous: 401, owner: 200, other: 200, admin: 200, service: 403 },
      'GET /payments/:id': { anonymous: 401, owner: 200, other: 404, admin: 200, service: 403 },
      'POST /internal/charges': { anonymous: 401, owner: 403, other: 403, admin: 403, service: 201 },
      'POST /internal/bookings/:bookingId/refunds': {
        anonymous: 401,
        owner: 403,
        other: 403,
        admin: 403,
        service: 201,
      },
      'GET /internal/bookings/:bookingId/payments': {
        anonymous: 401,
        owner: 403,
        other: 403,
        admin: 403,
        service: 200,
      },
    };

    const cases = Object.entries(expected).flatMap(([endpoint, byCaller]) =>
      (Object.entries(byCaller) as [As, number][]).map(([as, status]) => ({ endpoint, as, status })),
    );

    it.each(cases)('$endpoint as $as answers $status', async ({ endpoint, as, status }) => {
      const res = await endpoints[endpoint]!(as);
      if (status >= 400) {
        expectProblem(
          res as never,
          status,
          { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'PAYMENT_NOT_FOUND' }[status],
        );
      } else expect(res.status).toBe(status);
    });

    it('another member sees none of the owner’s payments in a list', async () => {
      const res = await h.app.get('/payments', { token: other.token, query: { bookingId: payment.bookingId } });
      expect(res.body.items).toEqual([]);
    });

    it('refuses forged, expired and foreign tokens with 401', async () => {
      for (const [what, token] of Object.entries(await h.tokens.forgeries(owner.id))) {
        const res = await h.app.get(`/payments/${payment.id}`, { token });
        if (res.status !== 401) throw new Error(`${what}: ${res.status}`);
      }
      const forgedService = await h.tokens.forgeries(randomUUID());
      expect((await h.app.get('/payments', { token: forgedService.algNone })).status).toBe(401);
    });
  });
}
