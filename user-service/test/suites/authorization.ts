import { randomUUID } from 'node:crypto';
import { Actor, expectProblem, uniqueTag, UserServiceHarness } from '../support/harness.js';

type Caller = 'anonymous' | 'member' | 'otherMember' | 'admin' | 'service';
const CALLERS: Caller[] = ['anonymous', 'member', 'otherMember', 'admin', 'service'];

interface Endpoint {
  name: string;
  /** `member` is the profile the request is about (for /users/me: the caller's own, if a member) */
  request: (ctx: { member: Actor }) => { method: string; url: string; body?: unknown };
  expected: Record<Caller, number>;
}

/**
 * Who may do what, endpoint by endpoint. `member` owns the profile the request names;
 * `otherMember` is a different member. Mutations are chosen so they can run in any order
 * (no-op role/status changes, a fresh profile for each create, an unknown id for delete).
 */
const MATRIX: Endpoint[] = [
  {
    name: 'GET /users/me',
    request: () => ({ method: 'GET', url: '/users/me' }),
    expected: { anonymous: 401, member: 200, otherMember: 200, admin: 200, service: 403 },
  },
  {
    name: 'PATCH /users/me',
    request: () => ({ method: 'PATCH', url: '/users/me', body: { fullName: `Renamed ${uniqueTag()}` } }),
    expected: { anonymous: 401, member: 200, otherMember: 200, admin: 200, service: 403 },
  },
  {
    name: 'GET /users',
    request: () => ({ method: 'GET', url: '/users?limit=1' }),
    expected: { anonymous: 401, member: 403, otherMember: 403, admin: 200, service: 403 },
  },
  {
    name: "GET /users/:id (member's profile)",
    request: ({ member }) => ({ method: 'GET', url: `/users/${member.id}` }),
    expected: { anonymous: 401, member: 200, otherMember: 404, admin: 200, service: 200 },
  },
  {
    name: "PATCH /users/:id/role (member's profile, no-op)",
    request: ({ member }) => ({ method: 'PATCH', url: `/users/${member.id}/role`, body: { role: 'MEMBER' } }),
    expected: { anonymous: 401, member: 403, otherMember: 403, admin: 200, service: 403 },
  },
  {
    name: "PATCH /users/:id/status (member's profile, no-op)",
    request: ({ member }) => ({ method: 'PATCH', url: `/users/${member.id}/status`, body: { status: 'ACTIVE' } }),
    expected: { anonymous: 401, member: 403, otherMember: 403, admin: 200, service: 403 },
  },
  {
    name: 'POST /internal/users',
    request: () => {
      const tag = uniqueTag();
      return {
        method: 'POST',
        url: '/internal/users',
        body: { id: randomUUID(), email: `m-${tag}@example.com`, fullName: tag },
      };
    },
    expected: { anonymous: 401, member: 403, otherMember: 403, admin: 403, service: 201 },
  },
  {
    name: 'DELETE /internal/users/:id',
    request: () => ({ method: 'DELETE', url: `/internal/users/${randomUUID()}` }),
    expected: { anonymous: 401, member: 403, otherMember: 403, admin: 403, service: 204 },
  },
  ...['/health/live', '/health/ready', '/metrics', '/api/docs-json'].map((url): Endpoint => ({
    name: `GET ${url} (public)`,
    request: () => ({ method: 'GET', url }),
    expected: { anonymous: 200, member: 200, otherMember: 200, admin: 200, service: 200 },
  })),
];

const CODES: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'USER_NOT_FOUND' };

export function authorizationSuite(h: UserServiceHarness): void {
  describe('authorization matrix', () => {
    let member: Actor;
    const tokens = {} as Record<Caller, string | undefined>;

    beforeAll(async () => {
      member = await h.member();
      const otherMember = await h.member();
      const admin = await h.admin();
      Object.assign(tokens, {
        anonymous: undefined,
        member: member.token,
        otherMember: otherMember.token,
        admin: admin.token,
        service: await h.tokens.service('booking-service'),
      });
    });

    const cells = MATRIX.flatMap((endpoint) =>
      CALLERS.map((caller) => [endpoint.name, caller, endpoint.expected[caller], endpoint] as const),
    );

    it.each(cells)('%s as %s → %i', async (_name, caller, status, endpoint) => {
      const { method, url, body } = endpoint.request({ member });
      const res = await h.app.request(method, url, { token: tokens[caller], body });
      if (status >= 400) {
        expectProblem(res, status, CODES[status]);
      } else {
        if (res.status !== status)
          throw new Error(`${method} ${url} as ${caller}: expected ${status}, got ${res.status}: ${res.text}`);
      }
    });

    it("never changes the member's profile through the refused requests", async () => {
      const res = await h.app.get('/users/me', { token: member.token });
      expect(res.body).toMatchObject({ id: member.id, role: 'MEMBER', status: 'ACTIVE', email: member.email });
    });
  });
}
