import { BookingHarness, Booking, expectProblem, slot } from './support/booking-app.js';

type Caller = 'anonymous' | 'owner' | 'otherMember' | 'admin' | 'service';
const CALLERS: Caller[] = ['anonymous', 'owner', 'otherMember', 'admin', 'service'];

interface Ctx {
  /** a fresh (CONFIRMED: charged at once) booking of `owner` (each cell gets its own, so cells run in any order) */
  booking: Booking;
  ownerId: string;
  otherId: string;
}

interface Endpoint {
  name: string;
  /** `cancelled`: the cell's booking is cancelled first (DELETE takes only those) */
  cancelled?: boolean;
  request: (ctx: Ctx) => { method: string; url: string; body?: unknown; headers?: Record<string, string> };
  expected: Record<Caller, number>;
}

let hoursAhead = 24;
/** A slot no other cell uses. */
const freshSlot = () => slot((hoursAhead += 2));
const key = () => ({ 'idempotency-key': `key-${hoursAhead}-${Math.random()}` });

/**
 * Who may do what on every booking endpoint. `owner` owns the booking a request names;
 * `otherMember` is another member, to whom it does not exist (404); a service token is not a
 * user (403); availability is public like the catalogue.
 */
const MATRIX: Endpoint[] = [
  {
    name: 'POST /bookings (for oneself)',
    request: ({ booking }) => ({
      method: 'POST',
      url: '/bookings',
      body: { workspaceId: booking.workspaceId, ...freshSlot() },
      headers: key(),
    }),
    expected: { anonymous: 401, owner: 201, otherMember: 201, admin: 201, service: 403 },
  },
  {
    name: 'POST /bookings (for the owner, with userId)',
    request: ({ booking, ownerId }) => ({
      method: 'POST',
      url: '/bookings',
      body: { workspaceId: booking.workspaceId, userId: ownerId, ...freshSlot() },
      headers: key(),
    }),
    expected: { anonymous: 401, owner: 201, otherMember: 403, admin: 201, service: 403 },
  },
  {
    name: 'GET /bookings',
    request: () => ({ method: 'GET', url: '/bookings' }),
    expected: { anonymous: 401, owner: 200, otherMember: 200, admin: 200, service: 403 },
  },
  {
    name: "GET /bookings?userId=<owner's>",
    request: ({ ownerId }) => ({ method: 'GET', url: `/bookings?userId=${ownerId}` }),
    expected: { anonymous: 401, owner: 200, otherMember: 403, admin: 200, service: 403 },
  },
  {
    name: 'GET /bookings/:id',
    request: ({ booking }) => ({ method: 'GET', url: `/bookings/${booking.id}` }),
    expected: { anonymous: 401, owner: 200, otherMember: 404, admin: 200, service: 403 },
  },
  {
    name: 'POST /bookings/:id/confirm',
    request: ({ booking }) => ({ method: 'POST', url: `/bookings/${booking.id}/confirm` }),
    expected: { anonymous: 401, owner: 200, otherMember: 404, admin: 200, service: 403 },
  },
  {
    name: 'POST /bookings/:id/cancel',
    request: ({ booking }) => ({ method: 'POST', url: `/bookings/${booking.id}/cancel` }),
    expected: { anonymous: 401, owner: 200, otherMember: 404, admin: 200, service: 403 },
  },
  {
    name: 'PATCH /bookings/:id',
    request: ({ booking }) => ({ method: 'PATCH', url: `/bookings/${booking.id}`, body: freshSlot() }),
    expected: { anonymous: 401, owner: 200, otherMember: 404, admin: 200, service: 403 },
  },
  {
    name: 'DELETE /bookings/:id (a cancelled booking)',
    cancelled: true,
    request: ({ booking }) => ({ method: 'DELETE', url: `/bookings/${booking.id}` }),
    expected: { anonymous: 401, owner: 403, otherMember: 403, admin: 204, service: 403 },
  },
  {
    name: 'GET /availability (public)',
    request: ({ booking }) => {
      const { startTime, endTime } = slot(24, 48);
      return { method: 'GET', url: `/availability?workspaceId=${booking.workspaceId}&from=${startTime}&to=${endTime}` };
    },
    expected: { anonymous: 200, owner: 200, otherMember: 200, admin: 200, service: 200 },
  },
  ...['/health/live', '/health/ready', '/api/docs-json'].map((url): Endpoint => ({
    name: `GET ${url} (public)`,
    request: () => ({ method: 'GET', url }),
    expected: { anonymous: 200, owner: 200, otherMember: 200, admin: 200, service: 200 },
  })),
];

const CODES: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'BOOKING_NOT_FOUND' };

describe('authorization matrix (integration)', () => {
  let h: BookingHarness;
  let workspaceId: string;
  const ids = {} as { owner: string; other: string };
  const tokens = {} as Record<Caller, string | undefined>;

  beforeAll(async () => {
    h = await BookingHarness.start();
    workspaceId = h.workspace().id;
    const owner = await h.member();
    const other = await h.member();
    const admin = await h.admin();
    ids.owner = owner.user.id;
    ids.other = other.user.id;
    Object.assign(tokens, {
      anonymous: undefined,
      owner: owner.token,
      otherMember: other.token,
      admin: admin.token,
      service: await h.serviceToken(),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const cells = MATRIX.flatMap((endpoint) =>
    CALLERS.map((caller) => [endpoint.name, caller, endpoint.expected[caller], endpoint] as const),
  );

  it.each(cells)('%s as %s → %i', async (_name, caller, status, endpoint) => {
    let booking = await h.booked(tokens.owner!, { workspaceId, ...freshSlot() });
    if (endpoint.cancelled) {
      booking = (await h.app.post(`/bookings/${booking.id}/cancel`, { token: tokens.owner })).body;
    }
    const { method, url, body, headers } = endpoint.request({ booking, ownerId: ids.owner, otherId: ids.other });
    const res = await h.app.request(method, url, { token: tokens[caller], body, headers });
    if (status >= 400) {
      expectProblem(res, status, CODES[status]);
      if (url.includes(booking.id)) {
        // a refused request changed nothing, and told nothing about the booking
        const after = await h.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
        expect(after.version).toBe(booking.version);
        expect(after.status).toBe(booking.status);
        expect(res.text).not.toContain(booking.startTime);
      }
    } else if (res.status !== status) {
      throw new Error(`${method} ${url} as ${caller}: expected ${status}, got ${res.status}: ${res.text}`);
    }
  });

  it('refuses every forged or broken token with 401 on every authenticated endpoint', async () => {
    const forgeries = await h.tokens.forgeries(ids.owner);
    const booking = await h.booked(tokens.owner!, { workspaceId, ...freshSlot() });
    const requests = MATRIX.filter((e) => e.expected.anonymous === 401).map((e) =>
      e.request({ booking, ownerId: ids.owner, otherId: ids.other }),
    );
    for (const token of Object.values(forgeries)) {
      for (const { method, url, body, headers } of requests) {
        expectProblem(await h.app.request(method, url, { token, body, headers }), 401, 'UNAUTHENTICATED');
      }
    }
    const after = await h.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
    // as it was made: created (1) and confirmed by its charge (2), nothing since
    expect(after.version).toBe(2);
    expect(after.status).toBe('CONFIRMED');
  });

  it("lists to a member only their own bookings, to an admin the owner's too", async () => {
    const mine = await h.app.get('/bookings', { token: tokens.otherMember, query: { limit: '100' } });
    expect(mine.body.items.every((b: Booking) => b.userId === ids.other)).toBe(true);
    const owners = await h.app.get('/bookings', { token: tokens.admin, query: { userId: ids.owner, limit: '100' } });
    expect(owners.body.items.length).toBeGreaterThan(0);
    expect(owners.body.items.every((b: Booking) => b.userId === ids.owner)).toBe(true);
  });
});
