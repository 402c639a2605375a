import { randomUUID } from 'node:crypto';
import { DelayProxy } from '../support/delay-proxy.js';
import { api } from '../support/http.js';
import { Platform } from '../support/platform.js';

const admin = { email: `admin-${randomUUID()}@example.com`, password: 'the first admin password' };
const DOWNSTREAM_TIMEOUT_MS = 500;

/** A weekday slot 2 days ahead at 10:00 UTC (the workspace below is open every day 08:00-20:00 UTC). */
function slot(hourOffset: number, hours = 1) {
  const day = new Date(Date.now() + 2 * 86_400_000);
  day.setUTCHours(10 + hourOffset, 0, 0, 0);
  return { startTime: day.toISOString(), endTime: new Date(day.getTime() + hours * 3_600_000).toISOString() };
}

describe('booking across auth, user, workspace, booking and payment services (real processes)', () => {
  let platform: Platform;
  let userProxy: DelayProxy;
  let adminToken: string;
  let booking: string;

  async function signUp(name: string): Promise<string> {
    const res = await api('POST', `${platform.url('auth-service')}/auth/register`, {
      body: { email: `${name}-${randomUUID()}@example.com`, password: 'a long enough passphrase', fullName: name },
    });
    expect(res.status).toBe(201);
    return res.body.accessToken;
  }

  function book(token: string, body: Record<string, unknown>, key = randomUUID()) {
    return api('POST', `${booking}/bookings`, { token, body, headers: { 'idempotency-key': key } });
  }

  /** Retries (same Idempotency-Key) while the answer is 503, as a client honouring Retry-After would. */
  async function bookWhenAvailable(token: string, body: Record<string, unknown>) {
    const key = randomUUID();
    let res = await book(token, body, key);
    for (let i = 0; i < 40 && res.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 250));
      res = await book(token, body, key);
    }
    return res;
  }

  beforeAll(async () => {
    userProxy = await DelayProxy.start();
    platform = await Platform.start(
      ['auth-service', 'user-service', 'workspace-service', 'booking-service', 'payment-service'],
      {
        admin,
        env: {
          'booking-service': {
            USER_SERVICE_URL: userProxy.url,
            DOWNSTREAM_TIMEOUT_MS: String(DOWNSTREAM_TIMEOUT_MS),
            CIRCUIT_BREAKER_THRESHOLD: '3',
            CIRCUIT_BREAKER_HALF_OPEN_MS: '2000',
          },
        },
      },
    );
    userProxy.target = platform.url('user-service');
    booking = platform.url('booking-service');
    // the first admin is created in the background once user-service answers
    for (let i = 0; i < 50 && !adminToken; i++) {
      const login = await api('POST', `${platform.url('auth-service')}/auth/login`, { body: admin });
      if (login.status === 200) adminToken = login.body.accessToken;
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(adminToken).toBeDefined();
  });
  afterAll(async () => {
    await platform?.stop();
    await userProxy?.close();
  });

  async function createWorkspace(): Promise<string> {
    const res = await api('POST', `${platform.url('workspace-service')}/workspaces`, {
      token: adminToken,
      body: {
        name: 'Lovelace Room',
        type: 'MEETING_ROOM',
        capacity: 6,
        hourlyRateCents: 2500,
        currency: 'EUR',
        timezone: 'UTC',
        openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '20:00' })),
      },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('admin creates a workspace, a member books it, an overlap is 409, cancelling frees the slot', async () => {
    const workspaceId = await createWorkspace();
    const first = await signUp('first');
    const second = await signUp('second');

    const booked = await book(first, { workspaceId, ...slot(0, 2), attendees: 3 });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ status: 'CONFIRMED', priceCents: 5000, currency: 'EUR', attendees: 3 });

    const overlap = await book(second, { workspaceId, ...slot(1, 2) });
    expect(overlap.status).toBe(409);
    expect(overlap.body.code).toBe('BOOKING_CONFLICT');

    // back-to-back is fine
    expect((await book(second, { workspaceId, ...slot(2, 1) })).status).toBe(201);

    const cancelled = await api('POST', `${booking}/bookings/${booked.body.id}/cancel`, { token: first });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');

    const retry = await book(second, { workspaceId, ...slot(1, 1) });
    expect(retry.status).toBe(201);

    // confirming a paid booking changes nothing
    const confirmed = await api('POST', `${booking}/bookings/${retry.body.id}/confirm`, { token: second });
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', version: retry.body.version });

    // the free intervals reflect it
    const availability = await api(
      'GET',
      `${booking}/availability?workspaceId=${workspaceId}&from=${encodeURIComponent(slot(-2).startTime)}&to=${encodeURIComponent(slot(10).startTime)}`,
    );
    expect(availability.status).toBe(200);
    expect(availability.body.free).toEqual([
      { startTime: slot(-2).startTime, endTime: slot(1).startTime },
      { startTime: slot(3).startTime, endTime: slot(10).startTime },
    ]);
  });

  it('answers 503 with Retry-After and writes nothing while workspace-service is stopped', async () => {
    const workspaceId = await createWorkspace();
    const member = await signUp('outage');
    await platform.service('workspace-service').stop();
    try {
      const res = await book(member, { workspaceId, ...slot(4) });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const mine = await api('GET', `${booking}/bookings?workspaceId=${workspaceId}`, { token: member });
      expect(mine.body.items).toEqual([]);
    } finally {
      await platform.service('workspace-service').start();
    }
    // back up: once its circuit half-opens, booking-service books again
    const res = await bookWhenAvailable(member, { workspaceId, ...slot(4) });
    expect(res.status).toBe(201);
  });

  it('answers 503 after the timeout when user-service is slow, opens the circuit, and closes it when it recovers', async () => {
    const workspaceId = await createWorkspace();
    const member = await signUp('slow');
    userProxy.delayMs = DOWNSTREAM_TIMEOUT_MS * 3;
    try {
      const started = Date.now();
      const slowAnswer = await book(member, { workspaceId, ...slot(5) });
      expect(slowAnswer.status).toBe(503);
      expect(slowAnswer.body.dependency).toBe('user-service');
      expect(Date.now() - started).toBeGreaterThanOrEqual(DOWNSTREAM_TIMEOUT_MS);
      // the circuit is open now (3 failed attempts): the next answer comes at once
      const fast = Date.now();
      const failFast = await book(member, { workspaceId, ...slot(5) });
      expect(failFast.status).toBe(503);
      expect(Date.now() - fast).toBeLessThan(DOWNSTREAM_TIMEOUT_MS);
    } finally {
      userProxy.delayMs = 0;
    }
    const res = await bookWhenAvailable(member, { workspaceId, ...slot(5) });
    expect(res.status).toBe(201);
    const mine = await api('GET', `${booking}/bookings?workspaceId=${workspaceId}`, { token: member });
    expect(mine.body.items).toHaveLength(1);
  });
});
