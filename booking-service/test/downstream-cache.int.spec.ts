import { BookingHarness, expectProblem, slot } from './support/booking-app.js';

const TTL_MS = 400;
const pastTtl = () => new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));

/**
 * USER_CACHE_MS and WORKSPACE_CACHE_MS: a member booking again reuses user-service's ACTIVE
 * verdict and workspace-service's answer for a short while; what that can make stale lasts at
 * most the time to live, and a refusal is never kept.
 */
describe('user and workspace reads on create (integration)', () => {
  let h: BookingHarness;

  beforeAll(async () => {
    h = await BookingHarness.start({ USER_CACHE_MS: String(TTL_MS), WORKSPACE_CACHE_MS: String(TTL_MS) });
  });
  afterAll(async () => {
    await h?.close();
  });

  const requests = () => ({
    users: h.downstreams.userService.requests,
    workspaces: h.downstreams.workspaceService.requests,
  });

  it('asks user-service and workspace-service once for bookings in a row within the time to live', async () => {
    const { token } = await h.member();
    const ws = h.workspace();
    const before = requests();
    for (const hours of [200, 202, 204]) await h.booked(token, { workspaceId: ws.id, ...slot(hours) });
    expect(requests()).toEqual({ users: before.users + 1, workspaces: before.workspaces + 1 });
  });

  it('refuses a suspended user once the time to live has passed (until then the last ACTIVE answer holds)', async () => {
    const { token, user } = await h.member();
    const ws = h.workspace();
    await h.booked(token, { workspaceId: ws.id, ...slot(210) });
    h.downstreams.users.get(user.id)!.status = 'SUSPENDED';
    await pastTtl();
    expectProblem(await h.book(token, { workspaceId: ws.id, ...slot(212) }), 403, 'USER_SUSPENDED');
  });

  it('never keeps a refusal: a user reactivated is let through on the next request', async () => {
    const { token, user } = await h.member({ status: 'SUSPENDED' });
    const ws = h.workspace();
    expectProblem(await h.book(token, { workspaceId: ws.id, ...slot(220) }), 403, 'USER_SUSPENDED');
    h.downstreams.users.get(user.id)!.status = 'ACTIVE';
    await h.booked(token, { workspaceId: ws.id, ...slot(222) });
  });

  it('refuses a deactivated workspace once the time to live has passed', async () => {
    const { token } = await h.member();
    const ws = h.workspace();
    await h.booked(token, { workspaceId: ws.id, ...slot(230) });
    h.downstreams.workspaces.get(ws.id)!.active = false;
    await pastTtl();
    expectProblem(await h.book(token, { workspaceId: ws.id, ...slot(232) }), 422, 'WORKSPACE_INACTIVE');
  });
});
