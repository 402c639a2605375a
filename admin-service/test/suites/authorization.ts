import { Actor, AdminServiceHarness, expectProblem } from '../support/harness.js';

type Caller = 'anonymous' | 'member' | 'admin' | 'service';
const CALLERS: Caller[] = ['anonymous', 'member', 'admin', 'service'];

interface Endpoint {
  name: string;
  /** built per cell: user actions get a fresh target user each time */
  request: () => { method: 'GET' | 'POST' | 'PATCH'; url: string; body?: unknown; query?: Record<string, string> };
  expected: Record<Caller, number>;
}

const ADMINS_ONLY = { anonymous: 401, member: 403, admin: 200, service: 403 };

/** Who may call what: every endpoint against every kind of caller. */
export function authorizationSuite(h: AdminServiceHarness): void {
  describe('authorization matrix', () => {
    const tokens = {} as Record<Caller, string | undefined>;
    let admin: Actor;

    beforeAll(async () => {
      admin = await h.admin();
      tokens.anonymous = undefined;
      tokens.member = (await h.member()).token;
      tokens.admin = admin.token;
      tokens.service = await h.serviceToken();
    });

    const target = (overrides = {}) => h.user(overrides).id;
    const ENDPOINTS: Endpoint[] = [
      { name: 'GET /admin/users', request: () => ({ method: 'GET', url: '/admin/users' }), expected: ADMINS_ONLY },
      {
        name: 'POST /admin/users/:id/suspend',
        request: () => ({ method: 'POST', url: `/admin/users/${target()}/suspend` }),
        expected: ADMINS_ONLY,
      },
      {
        name: 'POST /admin/users/:id/reactivate',
        request: () => ({ method: 'POST', url: `/admin/users/${target({ status: 'SUSPENDED' })}/reactivate` }),
        expected: ADMINS_ONLY,
      },
      {
        name: 'POST /admin/users/:id/promote',
        request: () => ({ method: 'POST', url: `/admin/users/${target()}/promote` }),
        expected: ADMINS_ONLY,
      },
      {
        name: 'POST /admin/users/:id/demote',
        request: () => ({ method: 'POST', url: `/admin/users/${target({ role: 'ADMIN' })}/demote` }),
        expected: ADMINS_ONLY,
      },
      {
        name: 'GET /admin/settings',
        request: () => ({ method: 'GET', url: '/admin/settings' }),
        expected: ADMINS_ONLY,
      },
      {
        name: 'PATCH /admin/settings',
        request: () => ({ method: 'PATCH', url: '/admin/settings', body: { bookingHoldMinutes: 15 } }),
        expected: ADMINS_ONLY,
      },
      {
        name: 'GET /admin/dashboard',
        request: () => ({
          method: 'GET',
          url: '/admin/dashboard',
          query: { from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' },
        }),
        expected: ADMINS_ONLY,
      },
      { name: 'GET /admin/audit', request: () => ({ method: 'GET', url: '/admin/audit' }), expected: ADMINS_ONLY },
      {
        name: 'GET /internal/settings',
        request: () => ({ method: 'GET', url: '/internal/settings' }),
        expected: { anonymous: 401, member: 403, admin: 403, service: 200 },
      },
    ];

    const cells = ENDPOINTS.flatMap((endpoint) =>
      CALLERS.map((caller) => ({ name: endpoint.name, caller, status: endpoint.expected[caller], endpoint })),
    );

    it.each(cells)('$name as $caller answers $status', async ({ caller, status, endpoint }) => {
      const { method, url, body, query } = endpoint.request();
      const downstreamCalls = h.downstreams.userService.requests.length;
      const res = await h.app.request(method, url, { token: tokens[caller], body, query });
      if (status >= 400) {
        expectProblem(res, status, status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
        // refused before anything was asked of anyone
        expect(h.downstreams.userService.requests.length).toBe(downstreamCalls);
      } else {
        expect(res.status).toBe(status);
      }
    });

    it('refuses forged, expired and foreign tokens with 401', async () => {
      for (const [what, token] of Object.entries(await h.tokens.forgeries(admin.id))) {
        const res = await h.app.get('/admin/settings', { token });
        if (res.status !== 401) throw new Error(`${what}: ${res.status}`);
      }
    });
  });
}
