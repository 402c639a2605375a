import { randomUUID } from 'node:crypto';
import { expectProblem, fieldsOf, Workspace, WorkspacePage, WorkspaceServiceHarness } from './support/harness.js';

/** GET /workspaces on a database of its own, so every list can be asserted exactly. */
describe('GET /workspaces: filters and keyset pagination (integration, real database)', () => {
  let h: WorkspaceServiceHarness;
  let desk: Workspace;
  let smallRoom: Workspace;
  let bigRoom: Workspace;
  let office: Workspace;
  let closedDesk: Workspace;

  beforeAll(async () => {
    h = await WorkspaceServiceHarness.start();
    desk = await h.createWorkspace({ type: 'DESK', capacity: 1 });
    smallRoom = await h.createWorkspace({ type: 'MEETING_ROOM', capacity: 4 });
    bigRoom = await h.createWorkspace({ type: 'MEETING_ROOM', capacity: 12 });
    office = await h.createWorkspace({ type: 'PRIVATE_OFFICE', capacity: 4 });
    closedDesk = await h.createWorkspace({ type: 'DESK', capacity: 2 });
    expect((await h.deactivate(closedDesk.id)).status).toBe(200);
    // distinct creation instants, oldest first, so "newest first" is unambiguous
    const ids = [desk, smallRoom, bigRoom, office, closedDesk].map((w) => w.id);
    await h.sql(
      `UPDATE workspaces SET created_at = TIMESTAMPTZ '2026-01-01T00:00:00Z' + (array_position($1::uuid[], id) * INTERVAL '1 minute')
        WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    [desk, smallRoom, bigRoom, office, closedDesk] = await Promise.all(ids.map(async (id) => (await h.get(id)).body));
  });
  afterAll(async () => {
    await h?.close();
  });

  const list = (query: Record<string, string> = {}, token?: string) =>
    h.app.get<WorkspacePage>('/workspaces', { query, token });
  const idsOf = async (query: Record<string, string> = {}) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    return res.body.items.map((w) => w.id);
  };

  it('lists active workspaces only, newest first, as { items, nextCursor }, to anyone', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
    expect(res.body.items.map((w) => w.id)).toEqual([office.id, bigRoom.id, smallRoom.id, desk.id]);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items[0]).toMatchObject({ id: office.id, type: 'PRIVATE_OFFICE', active: true, version: 1 });
    for (const token of [h.memberToken, h.adminToken, h.serviceToken]) {
      expect((await list({}, token)).body).toEqual(res.body);
    }
  });

  it('lists the deactivated workspaces instead with active=false', async () => {
    const res = await list({ active: 'false' });
    expect(res.body.items).toEqual([closedDesk]);
    expect(await idsOf({ active: 'true' })).toEqual([office.id, bigRoom.id, smallRoom.id, desk.id]);
  });

  it('filters by type', async () => {
    expect(await idsOf({ type: 'MEETING_ROOM' })).toEqual([bigRoom.id, smallRoom.id]);
    expect(await idsOf({ type: 'DESK' })).toEqual([desk.id]);
    expect(await idsOf({ type: 'DESK', active: 'false' })).toEqual([closedDesk.id]);
    expect(await idsOf({ type: 'PRIVATE_OFFICE', active: 'false' })).toEqual([]);
  });

  it('filters by minimum capacity, inclusive', async () => {
    expect(await idsOf({ minCapacity: '4' })).toEqual([office.id, bigRoom.id, smallRoom.id]);
    expect(await idsOf({ minCapacity: '5' })).toEqual([bigRoom.id]);
    expect(await idsOf({ minCapacity: '13' })).toEqual([]);
    expect(await idsOf({ minCapacity: '1', type: 'MEETING_ROOM' })).toEqual([bigRoom.id, smallRoom.id]);
  });

  it('follows a workspace as it is deactivated and activated again', async () => {
    await h.deactivate(smallRoom.id);
    try {
      expect(await idsOf()).toEqual([office.id, bigRoom.id, desk.id]);
      expect(await idsOf({ active: 'false' })).toEqual([closedDesk.id, smallRoom.id]);
    } finally {
      await h.activate(smallRoom.id);
    }
    expect(await idsOf()).toEqual([office.id, bigRoom.id, smallRoom.id, desk.id]);
  });

  describe('pagination', () => {
    let created: Workspace[];

    beforeAll(async () => {
      created = [];
      for (let i = 0; i < 23; i++) created.push(await h.createWorkspace({ type: 'PRIVATE_OFFICE', capacity: 100 + i }));
      // ten of them share one createdAt, so only the id tiebreak keeps the order stable
      const tied = created.slice(5, 15).map((w) => w.id);
      await h.sql(`UPDATE workspaces SET created_at = '2026-03-01T12:00:00.000Z' WHERE id = ANY($1::uuid[])`, [tied]);
    });

    async function walk(query: Record<string, string>): Promise<{ seen: Workspace[]; sizes: number[] }> {
      const seen: Workspace[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(cursor ? { ...query, cursor } : query);
        expect(res.status).toBe(200);
        seen.push(...res.body.items);
        sizes.push(res.body.items.length);
        cursor = res.body.nextCursor;
      } while (cursor && sizes.length < 20);
      return { seen, sizes };
    }

    it('walks every page with limit + cursor, newest first, no duplicates or gaps (also across equal timestamps)', async () => {
      const { seen, sizes } = await walk({ minCapacity: '100', limit: '5' });
      expect(sizes).toEqual([5, 5, 5, 5, 3]);
      const ids = seen.map((w) => w.id);
      expect(new Set(ids).size).toBe(23);
      expect([...ids].sort()).toEqual(created.map((w) => w.id).sort());
      const expectedOrder = [...seen].sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : Date.parse(b.createdAt) - Date.parse(a.createdAt),
      );
      expect(ids).toEqual(expectedOrder.map((w) => w.id));
    });

    it('keeps the filters across pages', async () => {
      const { seen } = await walk({ type: 'PRIVATE_OFFICE', limit: '7' });
      expect(seen.map((w) => w.id).sort()).toEqual([...created.map((w) => w.id), office.id].sort());
      expect(seen.every((w) => w.type === 'PRIVATE_OFFICE' && w.active)).toBe(true);
    });

    it('pages 20 at a time by default and takes up to 100', async () => {
      const first = await list();
      expect(first.body.items).toHaveLength(20);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const all = await list({ limit: '100' });
      expect(all.body.items).toHaveLength(27);
      expect(all.body.nextCursor).toBeNull();
      const one = await list({ limit: '1' });
      expect(one.body.items).toHaveLength(1);
    });

    it('answers an exhausted cursor with an empty last page', async () => {
      const all = await list({ limit: '100' });
      const last = all.body.items[all.body.items.length - 1]!;
      const cursor = Buffer.from(JSON.stringify({ createdAt: last.createdAt, id: last.id })).toString('base64url');
      expect((await list({ cursor })).body).toEqual({ items: [], nextCursor: null });
    });
  });

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each<[string, Record<string, string>, string]>([
    ['limit 101', { limit: '101' }, 'limit'],
    ['limit 0', { limit: '0' }, 'limit'],
    ['a non-numeric limit', { limit: 'ten' }, 'limit'],
    ['an unknown type', { type: 'HOT_DESK' }, 'type'],
    ['minCapacity 0', { minCapacity: '0' }, 'minCapacity'],
    ['minCapacity 1001', { minCapacity: '1001' }, 'minCapacity'],
    ['a fractional minCapacity', { minCapacity: '2.5' }, 'minCapacity'],
    ['a non-numeric minCapacity', { minCapacity: 'lots' }, 'minCapacity'],
    ['active=yes', { active: 'yes' }, 'active'],
    ['an empty active', { active: '' }, 'active'],
    ['an unknown parameter', { location: 'Berlin' }, 'location'],
    ['a cursor that is not one', { cursor: 'not-a-cursor' }, 'cursor'],
    [
      'a forged cursor with a non-UUID id',
      { cursor: cursorOf({ createdAt: '2026-01-01T00:00:00.000Z', id: "' OR 1=1 --" }) },
      'cursor',
    ],
    [
      'a forged cursor with an instant PostgreSQL cannot hold',
      { cursor: cursorOf({ createdAt: '-271821-04-20T00:00:00.000Z', id: randomUUID() }) },
      'cursor',
    ],
    ['a cursor longer than 512', { cursor: 'a'.repeat(513) }, 'cursor'],
  ])('rejects %s with 400 naming the parameter', async (_what, query, field) => {
    const res = await list(query);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(res)).toContain(field);
  });

  it('rejects a repeated query parameter with 400', async () => {
    for (const url of [
      '/workspaces?limit=1&limit=2',
      '/workspaces?type=DESK&type=MEETING_ROOM',
      '/workspaces?active=true&active=false',
      '/workspaces?minCapacity=1&minCapacity=2',
    ]) {
      expectProblem(await h.app.get(url), 400, 'VALIDATION_FAILED');
    }
  });

  it.each(['0001-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'])(
    'answers a forged cursor at %s without a 500',
    async (createdAt) => {
      const res = await list({ cursor: cursorOf({ createdAt, id: randomUUID() }) });
      expect(res.status).toBeLessThan(500);
    },
  );
});
