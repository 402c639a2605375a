import { Actor, AdminServiceHarness, expectProblem, uuid, violatedFields } from '../support/harness.js';

/** GET /admin/audit, and the append-only log underneath. */
export function auditLogSuite(h: AdminServiceHarness): void {
  describe('audit log', () => {
    let admin: Actor;

    beforeAll(async () => {
      admin = await h.admin();
    });

    const audit = (query: Record<string, string>) => h.app.get('/admin/audit', { token: admin.token, query });
    const ids = (res: { body: { items: { sourceEntryId: string }[] } }) => res.body.items.map((e) => e.sourceEntryId);

    it('lists collected entries newest first, in pages, with every field', async () => {
      const actorId = uuid();
      const entries = h.downstreams.alphaTrail.record(5, { actorId });
      await h.collector.collectOnce();
      const newestFirst = [...entries].reverse().map((e) => e.id);

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const res = await audit({ actor: actorId, limit: '2', ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        pages.push(ids(res));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);

      const first = (await audit({ actor: actorId, limit: '1' })).body.items[0];
      const newest = entries[4]!;
      expect(first).toEqual({
        id: expect.any(String),
        source: 'alpha-service',
        sourceEntryId: newest.id,
        sequence: newest.sequence,
        occurredAt: newest.occurredAt,
        actorId,
        action: newest.action,
        targetType: newest.targetType,
        targetId: newest.targetId,
        before: newest.before,
        after: newest.after,
        requestId: newest.requestId,
        recordedAt: expect.any(String),
      });
    });

    it('filters by actor, action, source, target and period, combined', async () => {
      const actorId = uuid();
      const targetId = uuid();
      const at = (second: number) => `2030-01-01T00:00:0${second}.000Z`;
      const [early] = h.downstreams.alphaTrail.record(1, {
        actorId,
        action: 'user.suspended',
        targetId,
        occurredAt: at(1),
      });
      const [other] = h.downstreams.alphaTrail.record(1, {
        actorId,
        action: 'user.role_changed',
        targetId,
        occurredAt: at(2),
      });
      const [late] = h.downstreams.betaTrail.record(1, {
        actorId,
        action: 'user.suspended',
        targetId,
        occurredAt: at(3),
      });
      await h.collector.collectOnce();

      expect(ids(await audit({ actor: actorId }))).toHaveLength(3);
      expect(ids(await audit({ actor: actorId, action: 'user.suspended' })).sort()).toEqual(
        [early!.id, late!.id].sort(),
      );
      expect(ids(await audit({ actor: actorId, source: 'beta-service' }))).toEqual([late!.id]);
      expect(ids(await audit({ targetId, action: 'user.role_changed' }))).toEqual([other!.id]);
      // [from, to): from includes, to excludes
      expect(ids(await audit({ actor: actorId, from: other!.occurredAt, to: late!.occurredAt }))).toEqual([other!.id]);
      expect(ids(await audit({ actor: uuid() }))).toEqual([]);
    });

    it.each<[Record<string, string>, string]>([
      [{ actor: 'someone' }, 'actor'],
      [{ source: 'Not A Service' }, 'source'],
      [{ from: '2026-11-25' }, 'from'],
      [{ from: '2026-11-25T10:00:00Z', to: '2026-11-25T10:00:00Z' }, 'to'],
      [{ limit: '101' }, 'limit'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ action: 'x'.repeat(101) }, 'action'],
    ])('answers %j with 400 naming %s', async (query, field) => {
      const res = await audit(query);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(violatedFields(res)).toEqual([field]);
    });

    it('refuses UPDATE, DELETE and TRUNCATE of audit_log in the database itself', async () => {
      await h.collector.collectOnce();
      const [{ n }] = (await h.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')) as [{ n: number }];
      expect(n).toBeGreaterThan(0);
      await expect(h.sql("UPDATE audit_log SET action = 'tampered'")).rejects.toThrow(
        /audit_log is append-only: UPDATE is not allowed/,
      );
      await expect(h.sql('DELETE FROM audit_log')).rejects.toThrow(/audit_log is append-only: DELETE is not allowed/);
      await expect(h.sql('TRUNCATE audit_log')).rejects.toThrow(/audit_log is append-only: TRUNCATE is not allowed/);
      expect(await h.count('audit_log')).toBe(n);
      expect(await h.count('audit_log', "action = 'tampered'")).toBe(0);
    });
  });
}
