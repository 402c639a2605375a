import { randomUUID } from 'node:crypto';
import { Actor, expectProblem, Profile, uniqueTag, UserServiceHarness } from '../support/harness.js';

/** Profiles: the internal create, /users/me, reading, listing and administering users. */
export function profilesSuite(h: UserServiceHarness): void {
  describe('profiles', () => {
    let admin: Actor;

    beforeAll(async () => {
      admin = await h.admin();
    });

    describe('POST /internal/users (auth-service creates the profile at registration)', () => {
      it('creates a MEMBER profile keyed by the auth user id: 201, email normalised, name trimmed', async () => {
        const id = randomUUID();
        const tag = uniqueTag();
        const res = await h.createProfileRequest({
          id,
          email: `  Ada.${tag}@Example.COM `,
          fullName: '  Ada Lovelace  ',
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          id,
          email: `ada.${tag}@example.com`,
          fullName: 'Ada Lovelace',
          role: 'MEMBER',
          status: 'ACTIVE',
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          updatedAt: expect.any(String),
        });
      });

      it('answers a replay of the same request 200 with the same body', async () => {
        const first = await h.createProfileRequest();
        const replay = await h.app.post<Profile>('/internal/users', {
          token: await h.serviceToken(),
          body: { id: first.body.id, email: first.body.email, fullName: first.body.fullName },
        });
        expect(first.status).toBe(201);
        expect(replay.status).toBe(200);
        expect(replay.body).toEqual(first.body);
      });

      it('creates exactly once when retries of the same request arrive concurrently', async () => {
        const tag = uniqueTag();
        const body = { id: randomUUID(), email: `race-${tag}@example.com`, fullName: 'Racer' };
        const token = await h.serviceToken();
        const answers = await Promise.all([1, 2, 3].map(() => h.app.post<Profile>('/internal/users', { token, body })));
        expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
        expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      });

      it('refuses the same email under another id with 409 EMAIL_TAKEN, whatever its case', async () => {
        const existing = await h.member();
        const res = await h.createProfileRequest({ email: existing.email.toUpperCase() });
        expectProblem(res, 409, 'EMAIL_TAKEN');
        const still = await h.app.get<Profile>(`/users/${existing.id}`, { token: existing.token });
        expect(still.body.email).toBe(existing.email);
      });

      it('refuses the same id with a different email with 409 EMAIL_TAKEN and keeps the profile', async () => {
        const existing = await h.member();
        const res = await h.createProfileRequest({ id: existing.id });
        expectProblem(res, 409, 'EMAIL_TAKEN');
        expect((await h.app.get<Profile>('/users/me', { token: existing.token })).body.email).toBe(existing.email);
      });

      it('creates an ADMIN profile when auth-service says so (the bootstrap admin)', async () => {
        const res = await h.createProfileRequest({ role: 'ADMIN' });
        expect(res.status).toBe(201);
        expect(res.body.role).toBe('ADMIN');
      });
    });

    describe('DELETE /internal/users/:id (compensation)', () => {
      it('removes the profile with 204, and answers 204 again for a profile that is gone', async () => {
        const user = await h.member();
        const token = await h.serviceToken();
        expect((await h.app.delete(`/internal/users/${user.id}`, { token })).status).toBe(204);
        expectProblem(await h.app.get(`/users/${user.id}`, { token }), 404, 'USER_NOT_FOUND');
        expect((await h.app.delete(`/internal/users/${user.id}`, { token })).status).toBe(204);
      });
    });

    describe('GET /users/me and PATCH /users/me', () => {
      it("returns the caller's own profile with exactly the documented fields", async () => {
        const me = await h.member();
        const res = await h.app.get<Profile>('/users/me', { token: me.token });
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual([
          'createdAt',
          'email',
          'fullName',
          'id',
          'role',
          'status',
          'updatedAt',
        ]);
        expect(res.body).toMatchObject({
          id: me.id,
          email: me.email,
          fullName: me.fullName,
          role: 'MEMBER',
          status: 'ACTIVE',
        });
      });

      it('answers 404 USER_NOT_FOUND to a valid token whose user has no profile', async () => {
        expectProblem(
          await h.app.get('/users/me', { token: await h.tokens.user(randomUUID()) }),
          404,
          'USER_NOT_FOUND',
        );
      });

      it('changes the full name (trimmed), persists it, and is idempotent', async () => {
        const me = await h.member();
        const res = await h.app.patch<Profile>('/users/me', { token: me.token, body: { fullName: '  Grace Hopper ' } });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: me.id, fullName: 'Grace Hopper', email: me.email, role: 'MEMBER' });
        expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(me.updatedAt));
        const again = await h.app.patch<Profile>('/users/me', { token: me.token, body: { fullName: 'Grace Hopper' } });
        expect(again.status).toBe(200);
        expect((await h.app.get<Profile>('/users/me', { token: me.token })).body.fullName).toBe('Grace Hopper');
      });

      it('does not let a member change their own role or email through PATCH /users/me', async () => {
        const me = await h.member();
        for (const body of [
          { fullName: 'X', role: 'ADMIN' },
          { fullName: 'X', email: 'new@example.com' },
        ]) {
          const res = await h.app.patch('/users/me', { token: me.token, body });
          expectProblem(res, 400, 'VALIDATION_FAILED');
        }
        const after = (await h.app.get<Profile>('/users/me', { token: me.token })).body;
        expect(after).toMatchObject({ role: 'MEMBER', email: me.email, fullName: me.fullName });
      });

      it('rejects a blank name with 400 naming fullName', async () => {
        const me = await h.member();
        const res = await h.app.patch('/users/me', { token: me.token, body: { fullName: '   ' } });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'fullName' })]);
      });
    });

    describe('GET /users/:id', () => {
      let owner: Actor;
      beforeAll(async () => {
        owner = await h.member();
      });

      it('shows the profile to the user themself', async () => {
        const res = await h.app.get<Profile>(`/users/${owner.id}`, { token: owner.token });
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(owner.id);
      });

      it('shows the profile to an admin', async () => {
        const res = await h.app.get<Profile>(`/users/${owner.id}`, { token: admin.token });
        expect(res.status).toBe(200);
        expect(res.body.email).toBe(owner.email);
      });

      it('shows the profile to a service token', async () => {
        const res = await h.app.get<Profile>(`/users/${owner.id}`, {
          token: await h.tokens.service('booking-service'),
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: owner.id, role: 'MEMBER', status: 'ACTIVE' });
      });

      it('answers another member 404 USER_NOT_FOUND, exactly as for an id that does not exist', async () => {
        const other = await h.member();
        const hidden = await h.app.get(`/users/${owner.id}`, { token: other.token });
        const missing = await h.app.get(`/users/${randomUUID()}`, { token: other.token });
        expectProblem(hidden, 404, 'USER_NOT_FOUND');
        expectProblem(missing, 404, 'USER_NOT_FOUND');
        expect(hidden.text).not.toContain(owner.email);
      });

      it('answers an anonymous caller 401 UNAUTHENTICATED', async () => {
        expectProblem(await h.app.get(`/users/${owner.id}`), 401, 'UNAUTHENTICATED');
      });
    });

    describe('GET /users (admin list and search)', () => {
      it('is refused to a member with 403 FORBIDDEN', async () => {
        const member = await h.member();
        expectProblem(await h.app.get('/users', { token: member.token }), 403, 'FORBIDDEN');
      });

      it('finds users by a fragment of their email, case-insensitively', async () => {
        const tag = uniqueTag();
        const target = await h.member({ email: `hedy.${tag}@lamarr.example.com` });
        await h.member({ fullName: `Not Hedy ${uniqueTag()}` });
        const res = await h.app.get<{ items: Profile[] }>('/users', {
          token: admin.token,
          query: { search: `HEDY.${tag.toUpperCase()}@LAMARR` },
        });
        expect(res.status).toBe(200);
        expect(res.body.items.map((u) => u.id)).toEqual([target.id]);
      });

      it('finds users by a fragment of their full name, case-insensitively', async () => {
        const tag = uniqueTag();
        const a = await h.member({ fullName: `Katherine Johnson ${tag}` });
        const b = await h.member({ fullName: `Dorothy JOHNSON ${tag}` });
        await h.member({ fullName: `Mary Jackson ${tag}` });
        const res = await h.app.get<{ items: Profile[] }>('/users', {
          token: admin.token,
          query: { search: `johnson ${tag.toUpperCase()}` },
        });
        expect(res.body.items.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      });

      it('matches % and _ in a search term literally, not as wildcards', async () => {
        const tag = uniqueTag();
        const percent = await h.member({ fullName: `Wild ${tag} 100% sure` });
        await h.member({ fullName: `Wild ${tag} 1000 sure` });
        const underscore = await h.member({ fullName: `Wild ${tag} a_b` });
        await h.member({ fullName: `Wild ${tag} axb` });
        const search = async (term: string) =>
          (
            await h.app.get<{ items: Profile[] }>('/users', { token: admin.token, query: { search: term } })
          ).body.items.map((u) => u.id);
        expect(await search(`${tag} 100%`)).toEqual([percent.id]);
        expect(await search(`${tag} a_b`)).toEqual([underscore.id]);
        expect(await search(`${tag} %`)).toEqual([]);
      });

      it('filters by role and by status, alone and combined with a search', async () => {
        const tag = uniqueTag();
        const name = `Filter ${tag}`;
        const activeMember = await h.member({ fullName: name });
        const suspendedMember = await h.member({ fullName: name });
        const anAdmin = await h.admin({ fullName: name });
        const suspend = await h.app.patch(`/users/${suspendedMember.id}/status`, {
          token: admin.token,
          body: { status: 'SUSPENDED' },
        });
        expect(suspend.status).toBe(200);
        const ids = async (query: Record<string, string>) =>
          (
            await h.app.get<{ items: Profile[] }>('/users', { token: admin.token, query: { search: tag, ...query } })
          ).body.items
            .map((u) => u.id)
            .sort();
        expect(await ids({ role: 'ADMIN' })).toEqual([anAdmin.id]);
        expect(await ids({ status: 'SUSPENDED' })).toEqual([suspendedMember.id]);
        expect(await ids({ role: 'MEMBER', status: 'ACTIVE' })).toEqual([activeMember.id]);
        expect(await ids({})).toEqual([activeMember.id, suspendedMember.id, anAdmin.id].sort());
        const all = await h.app.get<{ items: Profile[] }>('/users', {
          token: admin.token,
          query: { role: 'ADMIN', limit: '100' },
        });
        expect(all.body.items.every((u) => u.role === 'ADMIN')).toBe(true);
      });

      it('walks every page with limit + cursor, newest first, with no duplicates or gaps (also across equal timestamps)', async () => {
        const tag = uniqueTag();
        const created: Actor[] = [];
        for (let i = 0; i < 23; i++) created.push(await h.member({ fullName: `Pager ${tag} ${i}` }));
        // ten of them share one createdAt, so only the id tiebreak keeps the order stable
        const tied = created.slice(5, 15).map((u) => u.id);
        await h.sql(`UPDATE user_profiles SET created_at = '2026-03-01T12:00:00.000Z' WHERE id = ANY($1::uuid[])`, [
          tied,
        ]);

        const seen: Profile[] = [];
        const sizes: number[] = [];
        let cursor: string | null = null;
        do {
          const query: Record<string, string> = { search: `Pager ${tag}`, limit: '5' };
          if (cursor) query.cursor = cursor;
          const res = await h.app.get<{ items: Profile[]; nextCursor: string | null }>('/users', {
            token: admin.token,
            query,
          });
          expect(res.status).toBe(200);
          seen.push(...res.body.items);
          sizes.push(res.body.items.length);
          cursor = res.body.nextCursor;
        } while (cursor && sizes.length < 10);

        expect(sizes).toEqual([5, 5, 5, 5, 3]);
        const ids = seen.map((u) => u.id);
        expect(new Set(ids).size).toBe(23);
        expect([...ids].sort()).toEqual(created.map((u) => u.id).sort());
        const expectedOrder = [...seen].sort((a, b) =>
          a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : Date.parse(b.createdAt) - Date.parse(a.createdAt),
        );
        expect(ids).toEqual(expectedOrder.map((u) => u.id));
      });

      it('pages 20 at a time by default and answers { items, nextCursor }', async () => {
        const tag = uniqueTag();
        for (let i = 0; i < 21; i++) await h.member({ fullName: `Default ${tag}` });
        const res = await h.app.get('/users', { token: admin.token, query: { search: tag } });
        expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
        expect(res.body.items).toHaveLength(20);
        expect(res.body.nextCursor).toEqual(expect.any(String));
      });

      it.each([
        ['limit 101', { limit: '101' }, 'limit'],
        ['limit 0', { limit: '0' }, 'limit'],
        ['a non-numeric limit', { limit: 'ten' }, 'limit'],
        ['an unknown role', { role: 'OWNER' }, 'role'],
        ['an unknown status', { status: 'BANNED' }, 'status'],
        ['a cursor that is not one', { cursor: 'not-a-cursor' }, 'cursor'],
      ])('rejects %s with 400 naming the parameter', async (_what, query, field) => {
        const res = await h.app.get('/users', { token: admin.token, query });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      });
    });

    describe('PATCH /users/:id/role and /users/:id/status (admin)', () => {
      it('promotes a member to ADMIN and back; repeating a change is idempotent', async () => {
        const user = await h.member();
        const promote = await h.app.patch<Profile>(`/users/${user.id}/role`, {
          token: admin.token,
          body: { role: 'ADMIN' },
        });
        expect(promote.status).toBe(200);
        expect(promote.body).toMatchObject({ id: user.id, role: 'ADMIN', status: 'ACTIVE' });
        const again = await h.app.patch<Profile>(`/users/${user.id}/role`, {
          token: admin.token,
          body: { role: 'ADMIN' },
        });
        expect(again.status).toBe(200);
        expect((await h.app.get<Profile>(`/users/${user.id}`, { token: admin.token })).body.role).toBe('ADMIN');
        const demote = await h.app.patch<Profile>(`/users/${user.id}/role`, {
          token: admin.token,
          body: { role: 'MEMBER' },
        });
        expect(demote.body.role).toBe('MEMBER');
      });

      it('suspends and reactivates a member', async () => {
        const user = await h.member();
        const suspend = await h.app.patch<Profile>(`/users/${user.id}/status`, {
          token: admin.token,
          body: { status: 'SUSPENDED' },
        });
        expect(suspend.status).toBe(200);
        expect(suspend.body.status).toBe('SUSPENDED');
        expect((await h.app.get<Profile>(`/users/${user.id}`, { token: await h.serviceToken() })).body.status).toBe(
          'SUSPENDED',
        );
        const reactivate = await h.app.patch<Profile>(`/users/${user.id}/status`, {
          token: admin.token,
          body: { status: 'ACTIVE' },
        });
        expect(reactivate.body.status).toBe('ACTIVE');
      });

      it('answers 404 USER_NOT_FOUND for an unknown user', async () => {
        const id = randomUUID();
        expectProblem(
          await h.app.patch(`/users/${id}/role`, { token: admin.token, body: { role: 'ADMIN' } }),
          404,
          'USER_NOT_FOUND',
        );
        expectProblem(
          await h.app.patch(`/users/${id}/status`, { token: admin.token, body: { status: 'ACTIVE' } }),
          404,
          'USER_NOT_FOUND',
        );
      });

      it('rejects an unknown role or status, or a missing one, with 400 naming the field', async () => {
        const user = await h.member();
        for (const [path, body, field] of [
          ['role', { role: 'OWNER' }, 'role'],
          ['role', {}, 'role'],
          ['status', { status: 'BANNED' }, 'status'],
          ['status', { status: 1 }, 'status'],
        ] as const) {
          const res = await h.app.patch(`/users/${user.id}/${path}`, { token: admin.token, body });
          expectProblem(res, 400, 'VALIDATION_FAILED');
          expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
        }
      });

      it('refuses a member, even for their own profile, with 403 FORBIDDEN', async () => {
        const user = await h.member();
        expectProblem(
          await h.app.patch(`/users/${user.id}/role`, { token: user.token, body: { role: 'ADMIN' } }),
          403,
          'FORBIDDEN',
        );
        expect((await h.app.get<Profile>('/users/me', { token: user.token })).body.role).toBe('MEMBER');
      });
    });
  });
}
