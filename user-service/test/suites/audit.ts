import { Actor, expectProblem, UserServiceHarness } from '../support/harness.js';

interface AuditRow extends Record<string, unknown> {
  action: string;
  actor_id: string;
  target_id: string;
  before: { role: string; status: string };
  after: { role: string; status: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Admin actions land in the audit trail once, and admin-service can read it; user counts for its dashboard. */
export function auditSuite(h: UserServiceHarness): void {
  describe('audit trail and stats', () => {
    let admin: Actor;
    beforeAll(async () => {
      admin = await h.admin();
    });
    const entriesFor = (targetId: string) =>
      h.sql<AuditRow>('SELECT * FROM audit_entries WHERE target_id = $1 ORDER BY sequence', [targetId]);

    it('records each real role or status change once, with actor, before and after; repeats record nothing', async () => {
      const user = await h.member();
      for (const body of [{ role: 'ADMIN' }, { role: 'ADMIN' }, { role: 'MEMBER' }]) {
        expect((await h.app.patch(`/users/${user.id}/role`, { token: admin.token, body })).status).toBe(200);
      }
      for (let i = 0; i < 2; i++) {
        const res = await h.app.patch(`/users/${user.id}/status`, {
          token: admin.token,
          body: { status: 'SUSPENDED' },
        });
        expect(res.status).toBe(200);
      }
      const rows = await entriesFor(user.id);
      expect(rows.map((r) => [r.action, r.before, r.after])).toEqual([
        ['user.role_changed', { role: 'MEMBER', status: 'ACTIVE' }, { role: 'ADMIN', status: 'ACTIVE' }],
        ['user.role_changed', { role: 'ADMIN', status: 'ACTIVE' }, { role: 'MEMBER', status: 'ACTIVE' }],
        ['user.status_changed', { role: 'MEMBER', status: 'ACTIVE' }, { role: 'MEMBER', status: 'SUSPENDED' }],
      ]);
      expect(rows.every((r) => r.actor_id === admin.id && r.target_id === user.id)).toBe(true);
    });

    it('writes nothing to the trail when the change is refused', async () => {
      const user = await h.member();
      const res = await h.app.patch(`/users/${user.id}/role`, { token: user.token, body: { role: 'ADMIN' } });
      expectProblem(res, 403);
      expect(await entriesFor(user.id)).toEqual([]);
    });

    it('keeps the trail append-only in the database itself', async () => {
      const user = await h.member();
      await h.app.patch(`/users/${user.id}/role`, { token: admin.token, body: { role: 'ADMIN' } });
      await expect(h.sql("UPDATE audit_entries SET action = 'x' WHERE target_id = $1", [user.id])).rejects.toThrow(
        /append-only/,
      );
      await expect(h.sql('DELETE FROM audit_entries WHERE target_id = $1', [user.id])).rejects.toThrow(/append-only/);
    });

    it('serves the trail in order to services only, once entries have settled', async () => {
      const user = await h.member();
      await h.app.patch(`/users/${user.id}/status`, { token: admin.token, body: { status: 'SUSPENDED' } });
      await sleep(2100);
      const service = await h.tokens.service('admin-service');
      const first = await h.app.get('/internal/audit-entries?limit=500', { token: service });
      expect(first.status).toBe(200);
      const mine = first.body.items.filter((e: { targetId: string }) => e.targetId === user.id);
      expect(mine).toEqual([
        expect.objectContaining({
          action: 'user.status_changed',
          actorId: admin.id,
          targetType: 'user',
          after: { role: 'MEMBER', status: 'SUSPENDED' },
          requestId: expect.any(String),
        }),
      ]);
      const sequences = first.body.items.map((e: { sequence: number }) => e.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
      expect(first.body.nextAfter).toBe(sequences.at(-1));
      const rest = await h.app.get(`/internal/audit-entries?after=${first.body.nextAfter}`, { token: service });
      expect(rest.body).toEqual({ items: [], nextAfter: first.body.nextAfter });

      expectProblem(await h.app.get('/internal/audit-entries', { token: admin.token }), 403);
      expectProblem(await h.app.get('/internal/audit-entries'), 401);
      expectProblem(
        await h.app.get('/internal/audit-entries?after=-1&limit=501', { token: service }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('counts users by role and status for services', async () => {
      const service = await h.tokens.service('admin-service');
      const res = await h.app.get('/internal/users/stats', { token: service });
      expect(res.status).toBe(200);
      const [{ total }] = await h.sql<{ total: number }>('SELECT count(*)::int AS total FROM user_profiles');
      expect(res.body.total).toBe(total);
      expect(res.body.byRole.MEMBER + res.body.byRole.ADMIN).toBe(total);
      expect(res.body.byStatus.ACTIVE + res.body.byStatus.SUSPENDED).toBe(total);
      expectProblem(await h.app.get('/internal/users/stats', { token: admin.token }), 403);
    });
  });
}
