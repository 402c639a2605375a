import { randomBytes } from 'node:crypto';
import { Actor, AdminServiceHarness, expectProblem, violatedFields } from '../support/harness.js';

/** GET /admin/users: user-service's page, booking counts merged in. */
export function userListSuite(h: AdminServiceHarness): void {
  describe('users list', () => {
    let admin: Actor;

    beforeAll(async () => {
      admin = await h.admin();
    });
    afterEach(() => h.downstreams.reset());

    /** `n` members whose full names carry a tag no other test uses; newest first as the list orders them. */
    function tagged(n: number) {
      const tag = `tag${randomBytes(4).toString('hex')}`;
      const users = Array.from({ length: n }, (_, i) => h.user({ fullName: `Member ${i} ${tag}` }));
      return { tag, users: users.reverse() };
    }
    const list = (query: Record<string, string>) => h.app.get('/admin/users', { token: admin.token, query });
    const countCalls = () => h.downstreams.bookingService.seen('/internal/bookings/counts');

    it("merges each user's booking count from one booking-service call per page", async () => {
      const { tag, users } = tagged(3);
      h.downstreams.bookingCounts.counts.set(users[0]!.id, 4);
      h.downstreams.bookingCounts.counts.set(users[2]!.id, 1);
      const callsBefore = countCalls().length;
      const res = await list({ search: tag });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: users.map((u, i) => ({ ...u, bookingCount: [4, 0, 1][i] })),
        nextCursor: null,
        missing: [],
      });
      const calls = countCalls().slice(callsBefore);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.query.getAll('userId').sort()).toEqual(users.map((u) => u.id).sort());
    });

    it("asks user-service with the admin's own token, passing filters and pages through", async () => {
      const { tag, users } = tagged(3);
      h.user({ fullName: `Admin ${tag}`, role: 'ADMIN' });
      const first = await list({ search: tag, role: 'MEMBER', status: 'ACTIVE', limit: '2' });
      expect(first.status).toBe(200);
      expect(first.body.items.map((u: { id: string }) => u.id)).toEqual([users[0]!.id, users[1]!.id]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const seen = h.downstreams.userService.seen('/users').at(-1)!;
      expect(seen.authorization).toBe(`Bearer ${admin.token}`);
      expect(Object.fromEntries(seen.query)).toEqual({ search: tag, role: 'MEMBER', status: 'ACTIVE', limit: '2' });

      const second = await list({ search: tag, role: 'MEMBER', limit: '2', cursor: first.body.nextCursor });
      expect(second.body.items.map((u: { id: string }) => u.id)).toEqual([users[2]!.id]);
      expect(second.body.nextCursor).toBeNull();
    });

    it.each([
      ['down', () => h.downstreams.bookingService.stop()],
      ['failing', async () => void (h.downstreams.bookingService.mode = 'error')],
    ])('still serves the page when booking-service is %s: bookingCount null and missing', async (_how, breakIt) => {
      const { tag, users } = tagged(2);
      await breakIt();
      const res = await list({ search: tag });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: users.map((u) => ({ ...u, bookingCount: null })),
        nextCursor: null,
        missing: ['booking-service'],
      });
    });

    it('answers 503 DEPENDENCY_UNAVAILABLE when user-service is down', async () => {
      await h.downstreams.userService.stop();
      const res = await list({});
      expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
      expect(res.body.dependency).toBe('user-service');
    });

    it('asks booking-service nothing for an empty page', async () => {
      const callsBefore = countCalls().length;
      const res = await list({ search: `nobody${randomBytes(4).toString('hex')}` });
      expect(res.body).toEqual({ items: [], nextCursor: null, missing: [] });
      expect(countCalls()).toHaveLength(callsBefore);
    });

    it.each([
      [{ role: 'ROOT' }, 'role'],
      [{ status: 'BANNED' }, 'status'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '101' }, 'limit'],
      [{ search: 'x'.repeat(101) }, 'search'],
      [{ unknown: '1' }, 'unknown'],
    ])('answers %j with 400 naming %s, asking user-service nothing', async (query, field) => {
      const before = h.downstreams.userService.requests.length;
      const res = await list(query);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual([field]);
      expect(h.downstreams.userService.requests.length).toBe(before);
    });

    it('answers a cursor user-service refuses with 400 naming cursor', async () => {
      const res = await list({ cursor: Buffer.from('-5').toString('base64url') });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual(['cursor']);
    });
  });
}
