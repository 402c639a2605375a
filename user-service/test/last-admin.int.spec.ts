import { Actor, expectProblem, Profile, UserServiceHarness } from './support/harness.js';

/**
 * "The platform keeps at least one active admin" needs a database whose admins this file
 * alone controls, so it has its own. Each test leaves exactly one active admin (`root`).
 */
describe('the last active admin (integration, own database)', () => {
  let h: UserServiceHarness;
  let root: Actor;

  const activeAdmins = async () =>
    (
      await h.app.get<{ items: Profile[] }>('/users', {
        token: root.token,
        query: { role: 'ADMIN', status: 'ACTIVE', limit: '100' },
      })
    ).body.items;
  const setRole = (by: Actor, target: Actor, role: 'ADMIN' | 'MEMBER') =>
    h.app.patch<Profile>(`/users/${target.id}/role`, { token: by.token, body: { role } });
  const setStatus = (by: Actor, target: Actor, status: 'ACTIVE' | 'SUSPENDED') =>
    h.app.patch<Profile>(`/users/${target.id}/status`, { token: by.token, body: { status } });

  /** After a race: make root the one active admin again, whoever won. */
  const handBackTo = async (admin: Actor, other: Actor) => {
    const [winner] = await activeAdmins();
    if (winner!.id === admin.id) return;
    expect((await setRole(other, admin, 'ADMIN')).status).toBe(200);
    expect((await setRole(admin, other, 'MEMBER')).status).toBe(200);
  };

  beforeAll(async () => {
    h = await new UserServiceHarness().start();
    root = await h.admin({ fullName: 'Root Admin' });
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    // back to one active admin: root (demote every other active admin, root stays)
    for (const a of await activeAdmins())
      if (a.id !== root.id) expect((await setRole(root, a as Actor, 'MEMBER')).status).toBe(200);
    expect((await activeAdmins()).map((a) => a.id)).toEqual([root.id]);
  });

  it('refuses to demote the only active admin with 409 LAST_ADMIN, even by themself', async () => {
    expectProblem(await setRole(root, root, 'MEMBER'), 409, 'LAST_ADMIN');
    expect((await h.app.get<Profile>('/users/me', { token: root.token })).body.role).toBe('ADMIN');
  });

  it('refuses to suspend the only active admin with 409 LAST_ADMIN', async () => {
    expectProblem(await setStatus(root, root, 'SUSPENDED'), 409, 'LAST_ADMIN');
    expect((await h.app.get<Profile>('/users/me', { token: root.token })).body.status).toBe('ACTIVE');
  });

  it('does not count a suspended admin as the remaining admin', async () => {
    const dormant = await h.admin();
    expect((await setStatus(root, dormant, 'SUSPENDED')).status).toBe(200);
    expectProblem(await setRole(root, root, 'MEMBER'), 409, 'LAST_ADMIN');
    // a suspended admin may be demoted: it does not change the number of active admins
    expect((await setRole(root, dormant, 'MEMBER')).body).toMatchObject({ role: 'MEMBER', status: 'SUSPENDED' });
  });

  it('allows no-op changes to the last admin (idempotent PATCH)', async () => {
    expect((await setRole(root, root, 'ADMIN')).status).toBe(200);
    expect((await setStatus(root, root, 'ACTIVE')).status).toBe(200);
  });

  it('lets one of two admins step down, then refuses the other', async () => {
    const second = await h.admin();
    expect((await setRole(second, second, 'MEMBER')).status).toBe(200);
    expectProblem(await setRole(root, root, 'MEMBER'), 409, 'LAST_ADMIN');
  });

  it('leaves exactly one active admin when two admins demote each other at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const other = await h.admin();
      const answers = await Promise.all([setRole(root, other, 'MEMBER'), setRole(other, root, 'MEMBER')]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const loser = answers.find((a) => a.status === 409)!;
      expectProblem(loser, 409, 'LAST_ADMIN');
      expect(await activeAdmins()).toHaveLength(1);
      await handBackTo(root, other);
    }
  });

  it('leaves exactly one active admin when a demotion and a suspension race', async () => {
    for (let round = 0; round < 5; round++) {
      const other = await h.admin();
      const answers = await Promise.all([setStatus(root, other, 'SUSPENDED'), setRole(other, root, 'MEMBER')]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(await activeAdmins()).toHaveLength(1);
      await handBackTo(root, other);
    }
  });
});
