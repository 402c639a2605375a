import { randomUUID } from 'node:crypto';
import { expectProblem, WorkspaceServiceHarness } from './support/harness.js';

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

/** Admin changes to the catalogue land in the audit trail once, in the transaction that makes them. */
describe('audit trail (integration)', () => {
  let h: WorkspaceServiceHarness;
  let admin: { id: string; token: string };

  beforeAll(async () => {
    h = await WorkspaceServiceHarness.start();
    const id = randomUUID();
    admin = { id, token: await h.tokens.user(id, 'ADMIN') };
  });
  afterAll(async () => {
    await h?.close();
  });

  const entriesFor = (targetId: string) =>
    h.sql<AuditRow>('SELECT * FROM audit_entries WHERE target_id = $1 ORDER BY sequence', [targetId]);
  const entryCount = async () =>
    Number((await h.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_entries'))[0]!.n);

  it('records workspace.created with the workspace as the API returned it, and the admin as actor', async () => {
    const res = await h.createRequest({ description: 'By the window' }, admin.token);
    expect(res.status).toBe(201);
    const rows = await entriesFor(res.body.id);
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'workspace.created',
        actor_id: admin.id,
        target_type: 'workspace',
        target_id: res.body.id,
        before: null,
        after: res.body,
        request_id: expect.any(String),
      }),
    ]);
  });

  it('records workspace.updated with only the changed fields before and after; a repeat records nothing', async () => {
    const ws = await h.createWorkspace({ description: 'Old', capacity: 6 });
    const body = { capacity: 8, description: null, name: ws.name };
    expect((await h.patch(ws.id, body, admin.token)).status).toBe(200);
    expect((await h.patch(ws.id, body, admin.token)).status).toBe(200);
    expect((await h.patch(ws.id, {}, admin.token)).status).toBe(200);
    const hours = [{ day: 6, open: '10:00', close: '14:00' }];
    expect((await h.patch(ws.id, { openingHours: hours }, admin.token)).status).toBe(200);
    expect((await h.patch(ws.id, { openingHours: hours }, admin.token)).status).toBe(200);
    const rows = await entriesFor(ws.id);
    expect(rows.map((r) => [r.action, r.before, r.after])).toEqual([
      ['workspace.created', null, expect.objectContaining({ id: ws.id, version: 1 })],
      ['workspace.updated', { capacity: 6, description: 'Old' }, { capacity: 8, description: null }],
      ['workspace.updated', { openingHours: ws.openingHours }, { openingHours: hours }],
    ]);
    expect(rows.slice(1).every((r) => r.actor_id === admin.id && r.target_type === 'workspace')).toBe(true);
    expect((await h.get(ws.id)).body.version).toBe(3);
  });

  it('records workspace.deactivated and workspace.activated once each; repeats record nothing', async () => {
    const ws = await h.createWorkspace();
    for (const step of ['deactivate', 'deactivate', 'activate', 'activate'] as const) {
      expect((await h[step](ws.id, admin.token)).status).toBe(200);
    }
    const rows = await entriesFor(ws.id);
    expect(rows.map((r) => [r.action, r.actor_id, r.before, r.after])).toEqual([
      ['workspace.created', expect.any(String), null, expect.any(Object)],
      ['workspace.deactivated', admin.id, { active: true }, { active: false }],
      ['workspace.activated', admin.id, { active: false }, { active: true }],
    ]);
  });

  it('writes nothing to the trail when a change is refused', async () => {
    const ws = await h.createWorkspace({ minBookingMinutes: 60, maxBookingMinutes: 120 });
    const before = await entryCount();
    const member = await h.tokens.user(randomUUID(), 'MEMBER');
    expectProblem(await h.createRequest({}, member), 403);
    expectProblem(await h.patch(ws.id, { capacity: 2 }, member), 403);
    expectProblem(await h.deactivate(ws.id, member), 403);
    expectProblem(await h.deactivate(ws.id, h.serviceToken), 403);
    expectProblem(await h.patch(ws.id, { maxBookingMinutes: 30 }, admin.token), 400, 'VALIDATION_FAILED');
    expectProblem(await h.createRequest({ capacity: 0 }, admin.token), 400, 'VALIDATION_FAILED');
    expectProblem(await h.activate(randomUUID(), admin.token), 404, 'WORKSPACE_NOT_FOUND');
    expectProblem(await h.patch(randomUUID(), { capacity: 2 }, admin.token), 404, 'WORKSPACE_NOT_FOUND');
    expect(await entryCount()).toBe(before);
    expect((await entriesFor(ws.id)).map((r) => r.action)).toEqual(['workspace.created']);
  });

  it('keeps the trail append-only in the database itself', async () => {
    const ws = await h.createWorkspace();
    await expect(h.sql("UPDATE audit_entries SET action = 'x' WHERE target_id = $1", [ws.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(h.sql('DELETE FROM audit_entries WHERE target_id = $1', [ws.id])).rejects.toThrow(/append-only/);
    expect(await entriesFor(ws.id)).toHaveLength(1);
  });

  it('serves the trail in order to services only, once entries have settled', async () => {
    const ws = await h.createWorkspace();
    expect((await h.deactivate(ws.id, admin.token)).status).toBe(200);
    await sleep(2100);
    const service = await h.tokens.service('admin-service');
    const first = await h.app.get('/internal/audit-entries?limit=500', { token: service });
    expect(first.status).toBe(200);
    const mine = first.body.items.filter((e: { targetId: string }) => e.targetId === ws.id);
    expect(mine).toEqual([
      expect.objectContaining({ action: 'workspace.created', targetType: 'workspace', after: ws }),
      expect.objectContaining({
        action: 'workspace.deactivated',
        actorId: admin.id,
        targetType: 'workspace',
        before: { active: true },
        after: { active: false },
        requestId: expect.any(String),
      }),
    ]);
    const sequences = first.body.items.map((e: { sequence: number }) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(first.body.nextAfter).toBe(sequences.at(-1));
    const rest = await h.app.get(`/internal/audit-entries?after=${first.body.nextAfter}`, { token: service });
    expect(rest.body).toEqual({ items: [], nextAfter: first.body.nextAfter });

    expectProblem(await h.app.get('/internal/audit-entries', { token: admin.token }), 403);
    expectProblem(await h.app.get('/internal/audit-entries', { token: h.memberToken }), 403);
    expectProblem(await h.app.get('/internal/audit-entries'), 401);
    expectProblem(
      await h.app.get('/internal/audit-entries?after=-1&limit=501', { token: service }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
