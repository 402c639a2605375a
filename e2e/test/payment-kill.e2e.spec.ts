import { randomUUID } from 'node:crypto';
import { api } from '../support/http.js';
import { Platform } from '../support/platform.js';

const admin = { email: `admin-${randomUUID()}@example.com`, password: 'the first admin password' };
const HOLD_SECONDS = 6;

/** A slot `daysAhead` days from now at `hour`:00 UTC, one hour long. */
function slot(daysAhead: number, hour: number) {
  const start = new Date(Date.now() + daysAhead * 86_400_000);
  start.setUTCHours(hour, 0, 0, 0);
  return { startTime: start.toISOString(), endTime: new Date(start.getTime() + 3_600_000).toISOString() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('payment-service killed (SIGKILL) while bookings are being paid (real processes)', () => {
  let platform: Platform;
  let adminToken: string;
  let booking: string;
  let payment: string;

  beforeAll(async () => {
    platform = await Platform.start(
      ['auth-service', 'user-service', 'workspace-service', 'booking-service', 'payment-service'],
      {
        admin,
        env: {
          'booking-service': {
            BOOKING_HOLD_SECONDS: String(HOLD_SECONDS),
            SWEEP_INTERVAL_MS: '500',
            DOWNSTREAM_TIMEOUT_MS: '1500',
            CIRCUIT_BREAKER_HALF_OPEN_MS: '1000',
            CANCELLATION_FULL_REFUND_HOURS: '24',
          },
          // slow enough that the kill lands between "provider charged" and "payment recorded"
          'payment-service': {
            SIMULATED_PROVIDER_LATENCY_MS: '300',
            PROVIDER_TIMEOUT_MS: '1000',
            IDEMPOTENCY_LOCK_SECONDS: '2',
          },
        },
      },
    );
    booking = platform.url('booking-service');
    payment = platform.url('payment-service');
    for (let i = 0; i < 50 && !adminToken; i++) {
      const login = await api('POST', `${platform.url('auth-service')}/auth/login`, { body: admin });
      if (login.status === 200) adminToken = login.body.accessToken;
      else await sleep(200);
    }
    expect(adminToken).toBeDefined();
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('leaves no booking PENDING past its hold, charges nothing twice, and balances to the cent', async () => {
    const workspace = await api('POST', `${platform.url('workspace-service')}/workspaces`, {
      token: adminToken,
      body: { name: 'Kill Room', type: 'DESK', capacity: 1, hourlyRateCents: 1234, currency: 'EUR', timezone: 'UTC' },
    });
    expect(workspace.status).toBe(201);
    const register = await api('POST', `${platform.url('auth-service')}/auth/register`, {
      body: { email: `payer-${randomUUID()}@example.com`, password: 'a long enough passphrase', fullName: 'Payer' },
    });
    const member: string = register.body.accessToken;

    // 20 bookings started 100 ms apart; payment-service dies in the middle of them
    const requests = Array.from({ length: 20 }, async (_, i) => {
      await sleep(i * 100);
      return api('POST', `${booking}/bookings`, {
        token: member,
        headers: { 'idempotency-key': randomUUID() },
        body: {
          workspaceId: workspace.body.id,
          ...slot(3 + Math.floor(i / 10), (i % 10) + 8),
          paymentMethod: 'pm_card_visa',
        },
      });
    });
    // kill it once the first booking has been paid: some are paid, some mid-charge, some not started
    await Promise.race(requests);
    await sleep(300);
    await platform.service('payment-service').kill();
    const answers = await Promise.all(requests);
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 202)).toBe(true);
    await platform.service('payment-service').start();

    // clients retry confirm for what is still held; the sweeper settles the rest
    for (const a of answers.filter((x) => x.status === 202)) {
      await api('POST', `${booking}/bookings/${a.body.id}/confirm`, { token: member });
    }
    let all: any[] = [];
    for (let i = 0; i < 60; i++) {
      all = (await api('GET', `${booking}/bookings?workspaceId=${workspace.body.id}&limit=100`, { token: adminToken }))
        .body.items;
      if (all.every((b) => b.status !== 'PENDING')) break;
      await sleep(500);
    }
    expect(all).toHaveLength(20);
    expect(all.filter((b) => b.status === 'PENDING')).toEqual([]);

    // cancellations: one 3 days ahead (refunded in full) and one starting in 2 hours (fee kept)
    const confirmed = all.filter((b) => b.status === 'CONFIRMED');
    expect(confirmed.length).toBeGreaterThan(0);
    const early = await api('POST', `${booking}/bookings/${confirmed[0].id}/cancel`, { token: member });
    expect(early.status).toBe(200);
    const soon = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * 3_600_000);
    const late = await api('POST', `${booking}/bookings`, {
      token: member,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        workspaceId: workspace.body.id,
        startTime: soon.toISOString(),
        endTime: new Date(soon.getTime() + 3_600_000).toISOString(),
      },
    });
    expect(late.status).toBe(201);
    expect((await api('POST', `${booking}/bookings/${late.body.id}/cancel`, { token: member })).status).toBe(200);
    await sleep(1500); // one sweep: refunds and reconciliations

    const final = (
      await api('GET', `${booking}/bookings?workspaceId=${workspace.body.id}&limit=100`, { token: adminToken })
    ).body.items as any[];
    const payments: any[] = [];
    for (const b of final) {
      const page = await api('GET', `${payment}/payments?bookingId=${b.id}&limit=100`, { token: adminToken });
      expect(page.status).toBe(200);
      payments.push(...page.body.items);
    }
    const succeeded = payments.filter((p) => ['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED'].includes(p.status));
    const chargesPerBooking = new Map<string, number>();
    for (const p of succeeded) chargesPerBooking.set(p.bookingId, (chargesPerBooking.get(p.bookingId) ?? 0) + 1);
    expect([...chargesPerBooking.values()].every((n) => n === 1)).toBe(true);

    const captured = succeeded.reduce((sum, p) => sum + p.amountCents, 0);
    const refunded = payments.reduce((sum, p) => sum + p.refundedCents, 0);
    const confirmedPrices = final.filter((b) => b.status === 'CONFIRMED').reduce((sum, b) => sum + b.priceCents, 0);
    // the late cancellation kept its whole price under the policy
    const feesKept = late.body.priceCents;
    process.stderr.write(
      `[kill test] answers: ${statuses.filter((s) => s === 201).length} x 201, ${statuses.filter((s) => s === 202).length} x 202; ` +
        `final: ${final.filter((b) => b.status === 'CONFIRMED').length} CONFIRMED, ${final.filter((b) => b.status === 'EXPIRED').length} EXPIRED, ` +
        `${final.filter((b) => b.status === 'CANCELLED').length} CANCELLED; captured ${captured} - refunded ${refunded} = ${captured - refunded}; ` +
        `confirmed prices ${confirmedPrices} + fees kept ${feesKept} = ${confirmedPrices + feesKept}\n`,
    );
    expect(captured - refunded).toBe(confirmedPrices + feesKept);
  });
});
