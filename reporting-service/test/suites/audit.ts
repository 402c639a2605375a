import { randomUUID } from 'node:crypto';
import { days, expectProblem, iso, ReportingServiceHarness, uniqueKey, type Actor } from '../support/harness.js';

interface AuditRow extends Record<string, unknown> {
  action: string;
  actor_id: string | null;
  target_type: string;
  target_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Admin actions on stored reports land in the audit trail once, and admin-service can read it. */
export function auditSuite(h: ReportingServiceHarness): void {
  describe('audit trail', () => {
    let admin: Actor;
    beforeAll(async () => {
      admin = await h.admin();
    });

    const entriesFor = (targetId: string) =>
      h.sql<AuditRow>('SELECT * FROM audit_entries WHERE target_id = $1 ORDER BY sequence', [targetId]);
    const entryCount = async () => h.count('audit_entries');
    const request = (headers: Record<string, string> = {}, as = admin.token) => {
      const base = h.window();
      return {
        body: { type: 'revenue', format: 'csv', from: iso(base), to: iso(days(base, 7)), groupBy: 'week' },
        send: (body: unknown = undefined) => h.app.post('/reports', { token: as, body, headers }),
      };
    };
    /** POST /reports (expects 202), returning the report. */
    const requested = async (headers: Record<string, string> = {}) => {
      const r = request(headers);
      const res = await r.send(r.body);
      if (res.status !== 202) throw new Error(`POST /reports answered ${res.status}: ${res.text}`);
      return res.body as { id: string; type: string; format: string; from: string; to: string };
    };

    it('records report.requested once per new report, with the admin and {id, type, format, from, to}', async () => {
      const report = await requested();
      expect(await entriesFor(report.id)).toEqual([
        expect.objectContaining({
          action: 'report.requested',
          actor_id: admin.id,
          target_type: 'report',
          target_id: report.id,
          before: null,
          after: { id: report.id, type: 'revenue', format: 'csv', from: report.from, to: report.to },
          request_id: expect.any(String),
        }),
      ]);
    });

    it('records nothing for an idempotent replay, sequential or concurrent', async () => {
      const key = uniqueKey();
      const r = request({ 'idempotency-key': key });
      const first = await r.send(r.body);
      expect(first.status).toBe(202);
      const replay = await r.send(r.body);
      expect(replay.status).toBe(200);
      expect(replay.body.id).toBe(first.body.id);
      expect((await entriesFor(first.body.id)).map((e) => e.action)).toEqual(['report.requested']);

      const twins = request({ 'idempotency-key': uniqueKey() });
      const answers = await Promise.all([twins.send(twins.body), twins.send(twins.body), twins.send(twins.body)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
      const ids = new Set(answers.map((a) => a.body.id));
      expect(ids.size).toBe(1);
      expect((await entriesFor([...ids][0]!)).map((e) => e.action)).toEqual(['report.requested']);
    });

    it('records report.deleted once, with the report as it was; the 404 of a repeat records nothing', async () => {
      const report = await requested();
      const before = (await h.app.get(`/reports/${report.id}`, { token: admin.token })).body;
      const other = await h.admin();
      expect((await h.app.delete(`/reports/${report.id}`, { token: other.token })).status).toBe(204);
      expectProblem(await h.app.delete(`/reports/${report.id}`, { token: other.token }), 404, 'REPORT_NOT_FOUND');
      const rows = await entriesFor(report.id);
      expect(rows.map((r) => [r.action, r.actor_id, r.before, r.after])).toEqual([
        ['report.requested', admin.id, null, expect.objectContaining({ id: report.id })],
        ['report.deleted', other.id, before, null],
      ]);
      expect(rows[1]!.target_type).toBe('report');
    });

    it('writes nothing to the trail when a request is refused', async () => {
      const report = await requested();
      const member = await h.member();
      const key = uniqueKey();
      const keyed = request({ 'idempotency-key': key });
      expect((await keyed.send(keyed.body)).status).toBe(202);
      const count = await entryCount();

      const asMember = request({}, member.token);
      expectProblem(await asMember.send(asMember.body), 403);
      const asService = request({}, await h.serviceToken());
      expectProblem(await asService.send(asService.body), 403);
      const invalid = request();
      expectProblem(await invalid.send({ ...invalid.body, format: 'pdf' }), 400, 'VALIDATION_FAILED');
      expectProblem(await keyed.send({ ...keyed.body, format: 'json' }), 422, 'IDEMPOTENCY_KEY_REUSED');
      expectProblem(await h.app.delete(`/reports/${report.id}`, { token: member.token }), 403);
      expectProblem(await h.app.delete(`/reports/${report.id}`), 401);
      expectProblem(await h.app.delete(`/reports/${randomUUID()}`, { token: admin.token }), 404, 'REPORT_NOT_FOUND');

      expect(await entryCount()).toBe(count);
      expect((await entriesFor(report.id)).map((e) => e.action)).toEqual(['report.requested']);
    });

    it('keeps the trail append-only in the database itself', async () => {
      const report = await requested();
      await expect(h.sql("UPDATE audit_entries SET action = 'x' WHERE target_id = $1", [report.id])).rejects.toThrow(
        /append-only/,
      );
      await expect(h.sql('DELETE FROM audit_entries WHERE target_id = $1', [report.id])).rejects.toThrow(/append-only/);
      expect(await entriesFor(report.id)).toHaveLength(1);
    });

    it('serves the trail in order to services only, once entries have settled', async () => {
      const report = await requested();
      expect((await h.app.delete(`/reports/${report.id}`, { token: admin.token })).status).toBe(204);
      await sleep(2100);
      const service = await h.tokens.service('admin-service');
      const first = await h.app.get('/internal/audit-entries?limit=500', { token: service });
      expect(first.status).toBe(200);
      const mine = first.body.items.filter((e: { targetId: string }) => e.targetId === report.id);
      expect(mine).toEqual([
        expect.objectContaining({ action: 'report.requested', actorId: admin.id, targetType: 'report' }),
        expect.objectContaining({
          action: 'report.deleted',
          actorId: admin.id,
          targetType: 'report',
          before: expect.objectContaining({ id: report.id, status: 'PENDING' }),
          after: null,
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
  });
}
