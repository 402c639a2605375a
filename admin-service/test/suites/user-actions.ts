import { Actor, AdminServiceHarness, expectProblem, uuid, violatedFields } from '../support/harness.js';
import type { StubUser } from '../support/downstreams.js';

/** Suspend, reactivate, promote and demote: through user-service with the admin's own token. */
export function userActionsSuite(h: AdminServiceHarness): void {
  describe('user actions', () => {
    let admin: Actor;

    beforeAll(async () => {
      admin = await h.admin();
    });
    afterEach(() => h.downstreams.reset());

    const act = (action: string, id: string, actor: Actor = admin, headers?: Record<string, string>) =>
      h.app.post(`/admin/users/${id}/${action}`, { token: actor.token, headers });
    const stubUser = (id: string) => h.downstreams.directory.users.get(id)!;
    const patchesOf = (id: string) =>
      h.downstreams.userService.requests.filter((r) => r.path.startsWith(`/users/${id}/`));
    const revocationsOf = (id: string) => h.downstreams.authService.seen(`/internal/users/${id}/revoke-sessions`);

    /** Runs `fn` while `userId` is the directory's only active admin (the others suspended meanwhile). */
    async function asOnlyActiveAdmin(userId: string, fn: () => Promise<void>): Promise<void> {
      const others = h.downstreams.directory.activeAdmins().filter((u) => u.id !== userId);
      for (const u of others) u.status = 'SUSPENDED';
      try {
        await fn();
      } finally {
        for (const u of others) u.status = 'ACTIVE';
      }
    }

    describe('suspend', () => {
      it("suspends in user-service with the admin's own token, then revokes the sessions with a service token", async () => {
        const member = h.user();
        h.downstreams.sessions.sessions.set(member.id, 2);
        const res = await act('suspend', member.id, admin, { 'x-request-id': `suspend-${member.id}` });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          user: expect.objectContaining({ id: member.id, email: member.email, status: 'SUSPENDED', role: 'MEMBER' }),
          revokedSessions: 2,
        });
        const [patch] = patchesOf(member.id);
        expect(patch).toMatchObject({
          method: 'PATCH',
          path: `/users/${member.id}/status`,
          body: { status: 'SUSPENDED' },
        });
        expect(patch!.authorization).toBe(`Bearer ${admin.token}`);
        expect(patch!.requestId).toBe(`suspend-${member.id}`);
        const [revoke] = revocationsOf(member.id);
        expect(revoke!.method).toBe('POST');
        expect(revoke!.authorization).not.toBe(`Bearer ${admin.token}`);
        expect(stubUser(member.id).status).toBe('SUSPENDED');
      });

      it('answers 200 again on a retry, revoking again (nothing left to revoke)', async () => {
        const member = h.user();
        h.downstreams.sessions.sessions.set(member.id, 1);
        const first = await act('suspend', member.id);
        const again = await act('suspend', member.id);
        expect(first.body.revokedSessions).toBe(1);
        expect(again.status).toBe(200);
        expect(again.body).toEqual({ user: first.body.user, revokedSessions: 0 });
        expect(revocationsOf(member.id)).toHaveLength(2);
      });

      it('answers 503 saying the user IS suspended when revocation fails, and a retry completes it', async () => {
        const member = h.user();
        h.downstreams.sessions.sessions.set(member.id, 3);
        h.downstreams.authService.failingPaths.add(`/internal/users/${member.id}/revoke-sessions`);
        const res = await act('suspend', member.id);
        expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
        expect(res.body.detail).toMatch(new RegExp(`User ${member.id} IS suspended`));
        expect(res.body.detail).toMatch(/retry this request/);
        expect(res.body).toMatchObject({ dependency: 'auth-service', userStatus: 'SUSPENDED', sessionsRevoked: false });
        expect(res.headers['retry-after']).toBeDefined();
        expect(stubUser(member.id).status).toBe('SUSPENDED');
        expect(h.downstreams.sessions.sessions.get(member.id)).toBe(3);

        h.downstreams.authService.reset();
        const retry = await act('suspend', member.id);
        expect(retry.status).toBe(200);
        expect(retry.body.revokedSessions).toBe(3);
        expect(h.downstreams.sessions.sessions.get(member.id)).toBe(0);
      });

      it('answers 503 when auth-service is down after the suspension, with the same message', async () => {
        const member = h.user();
        await h.downstreams.authService.stop();
        const res = await act('suspend', member.id);
        expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
        expect(res.body.detail).toMatch(/IS suspended/);
        expect(stubUser(member.id).status).toBe('SUSPENDED');
      });

      it('refuses an admin suspending themself with 409 CANNOT_SUSPEND_SELF, calling nobody', async () => {
        const self = await h.admin();
        const before = h.downstreams.userService.requests.length;
        expectProblem(await act('suspend', self.id, self), 409, 'CANNOT_SUSPEND_SELF');
        expect(h.downstreams.userService.requests.length).toBe(before);
        expect(stubUser(self.id).status).toBe('ACTIVE');
      });

      it('answers 404 USER_NOT_FOUND for an unknown user, revoking nothing', async () => {
        const id = uuid();
        expectProblem(await act('suspend', id), 404, 'USER_NOT_FOUND');
        expect(revocationsOf(id)).toHaveLength(0);
      });

      it('passes on 409 LAST_ADMIN when the user is the last active admin, revoking nothing', async () => {
        const lastAdmin = h.user({ role: 'ADMIN' });
        await asOnlyActiveAdmin(lastAdmin.id, async () => {
          expectProblem(await act('suspend', lastAdmin.id), 409, 'LAST_ADMIN');
        });
        expect(stubUser(lastAdmin.id).status).toBe('ACTIVE');
        expect(revocationsOf(lastAdmin.id)).toHaveLength(0);
      });

      it('answers 503 DEPENDENCY_UNAVAILABLE when user-service is down, revoking nothing', async () => {
        const member = h.user();
        await h.downstreams.userService.stop();
        const res = await act('suspend', member.id);
        expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
        expect(res.body.dependency).toBe('user-service');
        expect(revocationsOf(member.id)).toHaveLength(0);
      });
    });

    describe.each<[string, Partial<StubUser>, Partial<StubUser>, string]>([
      ['reactivate', { status: 'SUSPENDED' }, { status: 'ACTIVE' }, 'status'],
      ['promote', { role: 'MEMBER' }, { role: 'ADMIN' }, 'role'],
      ['demote', { role: 'ADMIN' }, { role: 'MEMBER' }, 'role'],
    ])('%s', (action, from, to, field) => {
      it(`sets ${field} in user-service with the admin's own token and answers the user`, async () => {
        const user = h.user(from);
        const res = await act(action, user.id);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ...stubUser(user.id), ...to });
        const [patch] = patchesOf(user.id);
        expect(patch).toMatchObject({ method: 'PATCH', path: `/users/${user.id}/${field}`, body: to });
        expect(patch!.authorization).toBe(`Bearer ${admin.token}`);
        expect(stubUser(user.id)).toMatchObject(to);
      });

      it('is idempotent: a retry answers the same user', async () => {
        const user = h.user(from);
        const first = await act(action, user.id);
        const again = await act(action, user.id);
        expect(again.status).toBe(200);
        expect(again.body).toEqual(first.body);
      });

      it('answers 404 USER_NOT_FOUND for an unknown user', async () => {
        expectProblem(await act(action, uuid()), 404, 'USER_NOT_FOUND');
      });

      it('answers 400 naming id when the id is not a UUID, calling nobody', async () => {
        const before = h.downstreams.userService.requests.length;
        const res = await act(action, 'not-a-uuid');
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(violatedFields(res)).toEqual(['id']);
        expect(h.downstreams.userService.requests.length).toBe(before);
      });
    });

    it('passes on 409 LAST_ADMIN when the last active admin demotes themself', async () => {
      const only = await h.admin();
      await asOnlyActiveAdmin(only.id, async () => {
        const res = await act('demote', only.id, only);
        expectProblem(res, 409, 'LAST_ADMIN');
      });
      expect(stubUser(only.id).role).toBe('ADMIN');
    });
  });
}
