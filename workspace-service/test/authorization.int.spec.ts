import { expectProblem, Workspace, WorkspaceServiceHarness, workspaceInput } from './support/harness.js';

type Caller = 'anonymous' | 'member' | 'admin' | 'service';
const CALLERS: Caller[] = ['anonymous', 'member', 'admin', 'service'];

interface Endpoint {
  name: string;
  /** `ws` is an active workspace of this suite; mutations are chosen so any order works */
  request: (ctx: { ws: Workspace }) => { method: string; url: string; body?: unknown };
  expected: Record<Caller, number>;
}

const ADMIN_ONLY = (ok: number): Record<Caller, number> => ({ anonymous: 401, member: 403, admin: ok, service: 403 });
const EVERYONE = { anonymous: 200, member: 200, admin: 200, service: 200 };

/**
 * Who may do what, endpoint by endpoint: the catalogue reads are public (any token, or none);
 * every change is for admins only, and a service token is not an admin.
 */
const MATRIX: Endpoint[] = [
  {
    name: 'POST /workspaces',
    request: () => ({ method: 'POST', url: '/workspaces', body: workspaceInput() }),
    expected: ADMIN_ONLY(201),
  },
  {
    name: 'GET /workspaces',
    request: () => ({ method: 'GET', url: '/workspaces?limit=1' }),
    expected: EVERYONE,
  },
  {
    name: 'GET /workspaces/:id',
    request: ({ ws }) => ({ method: 'GET', url: `/workspaces/${ws.id}` }),
    expected: EVERYONE,
  },
  {
    name: 'PATCH /workspaces/:id (no-op)',
    request: ({ ws }) => ({ method: 'PATCH', url: `/workspaces/${ws.id}`, body: { capacity: ws.capacity } }),
    expected: ADMIN_ONLY(200),
  },
  {
    name: 'POST /workspaces/:id/activate (already active)',
    request: ({ ws }) => ({ method: 'POST', url: `/workspaces/${ws.id}/activate` }),
    expected: ADMIN_ONLY(200),
  },
  {
    name: 'POST /workspaces/:id/deactivate (a workspace of its own)',
    request: ({ ws }) => ({ method: 'POST', url: `/workspaces/${ws.id}/deactivate` }),
    expected: ADMIN_ONLY(200),
  },
  ...['/health/live', '/health/ready', '/metrics', '/api/docs-json'].map((url): Endpoint => ({
    name: `GET ${url} (public)`,
    request: () => ({ method: 'GET', url }),
    expected: EVERYONE,
  })),
];

const CODES: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN' };

describe('authorization matrix (integration)', () => {
  let h: WorkspaceServiceHarness;
  let ws: Workspace;
  let toDeactivate: Workspace;
  const tokens = {} as Record<Caller, string | undefined>;

  beforeAll(async () => {
    h = await WorkspaceServiceHarness.start();
    ws = await h.createWorkspace();
    toDeactivate = await h.createWorkspace();
    Object.assign(tokens, {
      anonymous: undefined,
      member: h.memberToken,
      admin: h.adminToken,
      service: h.serviceToken,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const cells = MATRIX.flatMap((endpoint) =>
    CALLERS.map((caller) => [endpoint.name, caller, endpoint.expected[caller], endpoint] as const),
  );

  it.each(cells)('%s as %s → %i', async (name, caller, status, endpoint) => {
    const target = name.includes('deactivate') ? toDeactivate : ws;
    const { method, url, body } = endpoint.request({ ws: target });
    const res = await h.app.request(method, url, { token: tokens[caller], body });
    if (status >= 400) {
      expectProblem(res, status, CODES[status]);
    } else if (res.status !== status) {
      throw new Error(`${method} ${url} as ${caller}: expected ${status}, got ${res.status}: ${res.text}`);
    }
  });

  it('never changed anything through the refused requests', async () => {
    expect((await h.get(ws.id)).body).toEqual(ws);
    // only the admin's deactivation landed
    expect((await h.get(toDeactivate.id)).body).toMatchObject({ active: false, version: 2 });
    const created = await h.sql<{ n: number }>('SELECT count(*)::int AS n FROM workspaces');
    expect(created).toEqual([{ n: 3 }]);
  });
});
