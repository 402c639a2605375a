import { randomUUID } from 'node:crypto';
import {
  errorsOf,
  expectProblem,
  fieldsOf,
  uniqueTag,
  Workspace,
  WORKSPACE_FIELDS,
  WorkspaceServiceHarness,
  workspaceInput,
} from './support/harness.js';

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('workspace-service workspaces (integration, real database)', () => {
  let h: WorkspaceServiceHarness;

  beforeAll(async () => {
    h = await WorkspaceServiceHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('POST /workspaces (admin)', () => {
    it('creates a workspace: 201 with every field, version 1, active, name trimmed and currency upper-cased', async () => {
      const tag = uniqueTag();
      const res = await h.createRequest({
        name: `  Board room ${tag}  `,
        description: 'Twelve seats, a screen and a whiteboard',
        type: 'MEETING_ROOM',
        capacity: 12,
        hourlyRateCents: 4500,
        currency: 'eur',
        timezone: 'Europe/Berlin',
        openingHours: [
          { day: 2, open: '13:00', close: '18:00' },
          { day: 1, open: '08:00', close: '12:00' },
          { day: 2, open: '08:00', close: '12:00' },
        ],
        minBookingMinutes: 60,
        maxBookingMinutes: 480,
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(WORKSPACE_FIELDS);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: `Board room ${tag}`,
        description: 'Twelve seats, a screen and a whiteboard',
        type: 'MEETING_ROOM',
        capacity: 12,
        hourlyRateCents: 4500,
        currency: 'EUR',
        timezone: 'Europe/Berlin',
        // sorted by day, then opening time
        openingHours: [
          { day: 1, open: '08:00', close: '12:00' },
          { day: 2, open: '08:00', close: '12:00' },
          { day: 2, open: '13:00', close: '18:00' },
        ],
        minBookingMinutes: 60,
        maxBookingMinutes: 480,
        active: true,
        version: 1,
        createdAt: expect.stringMatching(ISO_INSTANT),
        updatedAt: expect.stringMatching(ISO_INSTANT),
      });
    });

    it('applies the defaults: no description, open at all times, 30 to 1440 minutes', async () => {
      const input = workspaceInput({ type: 'DESK', capacity: 1 });
      delete input.openingHours;
      const res = await h.app.post<Workspace>('/workspaces', { token: h.adminToken, body: input });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        description: null,
        openingHours: null,
        minBookingMinutes: 30,
        maxBookingMinutes: 1440,
        active: true,
      });
    });

    it('accepts null for description and openingHours, a free workspace, and "24:00" as a closing time', async () => {
      const res = await h.createRequest({ description: null, openingHours: null, hourlyRateCents: 0 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ description: null, openingHours: null, hourlyRateCents: 0 });
      const late = await h.createRequest({ openingHours: [{ day: 5, open: '18:00', close: '24:00' }] });
      expect(late.status).toBe(201);
      expect(late.body.openingHours).toEqual([{ day: 5, open: '18:00', close: '24:00' }]);
    });

    it('accepts ranges of one day that touch, and an empty list (closed every day)', async () => {
      const touching = await h.createRequest({
        openingHours: [
          { day: 3, open: '12:00', close: '18:00' },
          { day: 3, open: '08:00', close: '12:00' },
        ],
      });
      expect(touching.status).toBe(201);
      const closed = await h.createRequest({ openingHours: [] });
      expect(closed.status).toBe(201);
      expect(closed.body.openingHours).toEqual([]);
    });

    it('spells a time zone given in the wrong case canonically, and keeps aliases as given', async () => {
      expect((await h.createRequest({ timezone: 'europe/berlin' })).body.timezone).toBe('Europe/Berlin');
      expect((await h.createRequest({ timezone: 'America/Argentina/Buenos_Aires' })).body.timezone).toBe(
        'America/Argentina/Buenos_Aires',
      );
      expect((await h.createRequest({ timezone: 'UTC' })).body.timezone).toBe('UTC');
    });

    it('turns a blank description into none', async () => {
      expect((await h.createRequest({ description: '   ' })).body.description).toBeNull();
    });

    it('keeps line breaks in a description', async () => {
      const res = await h.createRequest({ description: 'Line one\nLine two\ttabbed' });
      expect(res.body.description).toBe('Line one\nLine two\ttabbed');
    });

    it('stores exactly the fields of each opening range (nothing else reaches the jsonb column)', async () => {
      const ws = await h.createWorkspace();
      const [row] = await h.sql<{ opening_hours: unknown }>('SELECT opening_hours FROM workspaces WHERE id = $1', [
        ws.id,
      ]);
      const stored = typeof row!.opening_hours === 'string' ? JSON.parse(row!.opening_hours) : row!.opening_hours;
      expect(stored).toEqual(ws.openingHours);
    });
  });

  describe('the bad inputs of the issue: 400 VALIDATION_FAILED naming the field', () => {
    it.each<[string, Record<string, unknown>, string[]]>([
      ['an invalid time zone', { timezone: 'Mars/Olympus_Mons' }, ['timezone']],
      ['an offset instead of a time zone', { timezone: '+02:00' }, ['timezone']],
      ['close before open', { openingHours: [{ day: 1, open: '18:00', close: '09:00' }] }, ['openingHours[0].close']],
      ['close equal to open', { openingHours: [{ day: 1, open: '09:00', close: '09:00' }] }, ['openingHours[0].close']],
      [
        'overlapping ranges on one day',
        {
          openingHours: [
            { day: 3, open: '09:00', close: '12:00' },
            { day: 4, open: '09:00', close: '12:00' },
            { day: 3, open: '11:00', close: '14:00' },
          ],
        },
        ['openingHours[2]'],
      ],
      ['a negative price', { hourlyRateCents: -1 }, ['hourlyRateCents']],
      ['capacity 0', { capacity: 0 }, ['capacity']],
    ])('%s', async (_what, overrides, fields) => {
      const res = await h.createRequest(overrides);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(fields);
    });

    it('says what is wrong in the message, not only where', async () => {
      const res = await h.createRequest({ openingHours: [{ day: 2, open: '18:00', close: '09:00' }] });
      expect(errorsOf(res)).toEqual([
        { field: 'openingHours[0].close', messages: ['close (09:00) must be after open (18:00)'] },
      ]);
      const overlap = await h.createRequest({
        openingHours: [
          { day: 1, open: '08:00', close: '12:00' },
          { day: 1, open: '11:00', close: '13:00' },
        ],
      });
      expect(errorsOf(overlap)).toEqual([
        { field: 'openingHours[1]', messages: ['overlaps openingHours[0] on day 1'] },
      ]);
    });
  });

  describe('other invalid workspaces: 400 naming the field, nothing created', () => {
    it.each<[string, Record<string, unknown>, string[]]>([
      ['a missing name', { name: undefined }, ['name']],
      ['a blank name', { name: '   ' }, ['name']],
      ['a name of 121 characters', { name: 'n'.repeat(121) }, ['name']],
      [
        'a name of 61 emoji with presentation selectors (122 characters)',
        { name: '\u2764\ufe0f'.repeat(61) },
        ['name'],
      ],
      ['a description of 2001 characters', { description: 'd'.repeat(2001) }, ['description']],
      ['an unknown type', { type: 'HOT_DESK' }, ['type']],
      ['a lower-case type', { type: 'desk' }, ['type']],
      ['capacity 1001', { capacity: 1001 }, ['capacity']],
      ['a fractional capacity', { capacity: 1.5 }, ['capacity']],
      ['capacity as a string', { capacity: '4' }, ['capacity']],
      ['a price above 10 000 000', { hourlyRateCents: 10_000_001 }, ['hourlyRateCents']],
      ['a fractional price', { hourlyRateCents: 12.5 }, ['hourlyRateCents']],
      ['a currency that does not exist', { currency: 'ABC' }, ['currency']],
      ['a currency of the wrong length', { currency: 'EURO' }, ['currency']],
      ['a currency as a number', { currency: 978 }, ['currency']],
      ['a missing time zone', { timezone: undefined }, ['timezone']],
      [
        'openingHours that is not a list',
        { openingHours: { day: 1, open: '08:00', close: '18:00' } },
        ['openingHours'],
      ],
      [
        'more than 100 opening ranges',
        { openingHours: Array.from({ length: 101 }, () => ({ day: 1, open: '08:00', close: '09:00' })) },
        ['openingHours'],
      ],
      [
        'day 0 and day 8',
        {
          openingHours: [
            { day: 0, open: '08:00', close: '09:00' },
            { day: 8, open: '08:00', close: '09:00' },
          ],
        },
        ['openingHours[0].day', 'openingHours[1].day'],
      ],
      ['a day as a string', { openingHours: [{ day: '1', open: '08:00', close: '09:00' }] }, ['openingHours[0].day']],
      [
        'a time without a leading zero',
        { openingHours: [{ day: 1, open: '8:00', close: '09:00' }] },
        ['openingHours[0].open'],
      ],
      ['open at 24:00', { openingHours: [{ day: 1, open: '24:00', close: '24:00' }] }, ['openingHours[0].open']],
      ['close at 25:00', { openingHours: [{ day: 1, open: '08:00', close: '25:00' }] }, ['openingHours[0].close']],
      ['a missing close', { openingHours: [{ day: 1, open: '08:00' }] }, ['openingHours[0].close']],
      [
        'an opening range that is not an object',
        { openingHours: [{ day: 1, open: '08:00', close: '09:00' }, 'Mon 9-5', null] },
        ['openingHours[1]', 'openingHours[2]'],
      ],
      [
        'an unknown property in an opening range',
        { openingHours: [{ day: 1, open: '08:00', close: '09:00', note: 'x' }] },
        ['openingHours[0].note'],
      ],
      ['minBookingMinutes 0', { minBookingMinutes: 0 }, ['minBookingMinutes']],
      ['maxBookingMinutes above a week', { maxBookingMinutes: 10_081 }, ['maxBookingMinutes']],
      [
        'maxBookingMinutes below minBookingMinutes',
        { minBookingMinutes: 120, maxBookingMinutes: 60 },
        ['maxBookingMinutes'],
      ],
      ['minBookingMinutes above the default maximum', { minBookingMinutes: 2000 }, ['maxBookingMinutes']],
      ['minBookingMinutes null', { minBookingMinutes: null }, ['minBookingMinutes']],
      ['active (set by activate/deactivate only)', { active: false }, ['active']],
      ['a client-chosen id', { id: randomUUID() }, ['id']],
    ])('%s', async (_what, overrides, fields) => {
      const before = await h.sql<{ n: number }>('SELECT count(*)::int AS n FROM workspaces');
      const res = await h.createRequest(overrides);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual([...fields].sort());
      expect(await h.sql<{ n: number }>('SELECT count(*)::int AS n FROM workspaces')).toEqual(before);
    });

    it('names every wrong field of one request at once', async () => {
      const res = await h.createRequest({
        capacity: 0,
        hourlyRateCents: -5,
        currency: 'XYZ',
        timezone: 'Nowhere/Land',
      });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['capacity', 'currency', 'hourlyRateCents', 'timezone']);
    });

    it('reports every broken opening range of one request, each by its index', async () => {
      const res = await h.createRequest({
        openingHours: [
          { day: 1, open: '09:00', close: '17:00' },
          { day: 1, open: '18:00', close: '10:00' },
          { day: 1, open: '16:00', close: '20:00' },
          { day: 9, open: 'noon', close: '13:00' },
        ],
      });
      expect(fieldsOf(res)).toEqual([
        'openingHours[1].close',
        'openingHours[2]',
        'openingHours[3].day',
        'openingHours[3].open',
      ]);
    });
  });

  describe('GET /workspaces/:id (public)', () => {
    it('returns the workspace to an anonymous caller with exactly the contract fields', async () => {
      const ws = await h.createWorkspace({ description: 'Quiet' });
      const res = await h.get(ws.id);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(ws);
      expect(Object.keys(res.body).sort()).toEqual(WORKSPACE_FIELDS);
    });

    it('answers an unknown id with 404 WORKSPACE_NOT_FOUND', async () => {
      expectProblem(await h.get(randomUUID()), 404, 'WORKSPACE_NOT_FOUND');
    });

    it('answers an id that is not a UUID with 400 naming id', async () => {
      const res = await h.get('desk-12');
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['id']);
    });

    it('returns a deactivated workspace too, with active false', async () => {
      const ws = await h.createWorkspace();
      expect((await h.deactivate(ws.id)).status).toBe(200);
      const res = await h.get(ws.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ws.id, active: false });
    });
  });

  describe('PATCH /workspaces/:id (admin)', () => {
    it('changes only the given fields, increments the version and moves updatedAt', async () => {
      const ws = await h.createWorkspace({ description: 'Old' });
      const res = await h.patch(ws.id, { capacity: 8, hourlyRateCents: 3000, currency: 'usd', name: ' Renamed ' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ...ws,
        name: 'Renamed',
        capacity: 8,
        hourlyRateCents: 3000,
        currency: 'USD',
        version: 2,
        updatedAt: expect.stringMatching(ISO_INSTANT),
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(ws.updatedAt));
      expect((await h.get(ws.id)).body).toEqual(res.body);
    });

    it('replaces the opening hours, and null opens the workspace at all times', async () => {
      const ws = await h.createWorkspace();
      const weekend = await h.patch(ws.id, {
        openingHours: [
          { day: 7, open: '10:00', close: '16:00' },
          { day: 6, open: '10:00', close: '16:00' },
        ],
      });
      expect(weekend.body.openingHours).toEqual([
        { day: 6, open: '10:00', close: '16:00' },
        { day: 7, open: '10:00', close: '16:00' },
      ]);
      const always = await h.patch(ws.id, { openingHours: null });
      expect(always.status).toBe(200);
      expect(always.body).toMatchObject({ openingHours: null, version: 3 });
    });

    it('clears the description with null', async () => {
      const ws = await h.createWorkspace({ description: 'To be removed' });
      expect((await h.patch(ws.id, { description: null })).body.description).toBeNull();
    });

    it('changes the time zone (the opening hours stay in local time)', async () => {
      const ws = await h.createWorkspace();
      const res = await h.patch(ws.id, { timezone: 'america/new_york' });
      expect(res.body).toMatchObject({ timezone: 'America/New_York', openingHours: ws.openingHours });
    });

    it('validates the merged workspace: a maximum below the stored minimum names maxBookingMinutes', async () => {
      const ws = await h.createWorkspace({ minBookingMinutes: 120, maxBookingMinutes: 240 });
      const res = await h.patch(ws.id, { maxBookingMinutes: 60 });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['maxBookingMinutes']);
      const raised = await h.patch(ws.id, { minBookingMinutes: 300 });
      expect(fieldsOf(raised)).toEqual(['maxBookingMinutes']);
      const both = await h.patch(ws.id, { minBookingMinutes: 30, maxBookingMinutes: 60 });
      expect(both.body).toMatchObject({ minBookingMinutes: 30, maxBookingMinutes: 60, version: 2 });
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['an invalid time zone', { timezone: 'Europe/Atlantis' }, ['timezone']],
      ['close before open', { openingHours: [{ day: 1, open: '10:00', close: '09:59' }] }, ['openingHours[0].close']],
      [
        'overlapping ranges',
        {
          openingHours: [
            { day: 5, open: '08:00', close: '18:00' },
            { day: 5, open: '17:00', close: '20:00' },
          ],
        },
        ['openingHours[1]'],
      ],
      ['a negative price', { hourlyRateCents: -100 }, ['hourlyRateCents']],
      ['capacity 0', { capacity: 0 }, ['capacity']],
      [
        'null for a field that cannot be empty',
        { name: null, capacity: null, timezone: null },
        ['capacity', 'name', 'timezone'],
      ],
      ['active (use activate/deactivate)', { active: false }, ['active']],
      ['the version', { version: 7 }, ['version']],
    ])('refuses %s with 400 naming the field and changes nothing', async (_what, body, fields) => {
      const ws = await h.createWorkspace();
      const res = await h.patch(ws.id, body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(fields);
      expect((await h.get(ws.id)).body).toEqual(ws);
    });

    it('is idempotent: a repeated patch answers the same workspace and writes nothing (version stays)', async () => {
      const ws = await h.createWorkspace();
      const first = await h.patch(ws.id, { capacity: 9, description: 'Nine seats' });
      const again = await h.patch(ws.id, { capacity: 9, description: 'Nine seats' });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(again.body.version).toBe(2);
      const empty = await h.patch(ws.id, {});
      expect(empty.body).toEqual(first.body);
    });

    it('treats the same opening hours in another order as no change', async () => {
      const ws = await h.createWorkspace();
      const reversed = [...ws.openingHours!].reverse();
      const res = await h.patch(ws.id, { openingHours: reversed });
      expect(res.body).toEqual(ws);
    });

    it('applies concurrent patches one after the other: each lands, each increments the version', async () => {
      const ws = await h.createWorkspace({ capacity: 1 });
      const answers = await Promise.all([2, 3, 4, 5].map((capacity) => h.patch(ws.id, { capacity })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect(answers.map((a) => a.body.version).sort()).toEqual([2, 3, 4, 5]);
      const final = (await h.get(ws.id)).body;
      expect(final.version).toBe(5);
      expect(answers.find((a) => a.body.version === 5)!.body.capacity).toBe(final.capacity);
    });

    it('never lets two concurrent patches that are each valid alone leave maximum below minimum', async () => {
      const ws = await h.createWorkspace({ minBookingMinutes: 30, maxBookingMinutes: 600 });
      const [raiseMin, lowerMax] = await Promise.all([
        h.patch(ws.id, { minBookingMinutes: 300 }),
        h.patch(ws.id, { maxBookingMinutes: 120 }),
      ]);
      expect([raiseMin.status, lowerMax.status].sort()).toEqual([200, 400]);
      const final = (await h.get(ws.id)).body;
      expect(final.maxBookingMinutes).toBeGreaterThanOrEqual(final.minBookingMinutes);
      expect(final.version).toBe(2);
    });

    it('answers an unknown id with 404 WORKSPACE_NOT_FOUND', async () => {
      expectProblem(await h.patch(randomUUID(), { capacity: 2 }), 404, 'WORKSPACE_NOT_FOUND');
    });
  });

  describe('POST /workspaces/:id/deactivate and /activate (admin)', () => {
    it('deactivates (version +1) and activates again (version +1); existing data stays', async () => {
      const ws = await h.createWorkspace();
      const off = await h.deactivate(ws.id);
      expect(off.status).toBe(200);
      expect(off.body).toEqual({ ...ws, active: false, version: 2, updatedAt: expect.stringMatching(ISO_INSTANT) });
      const on = await h.activate(ws.id);
      expect(on.status).toBe(200);
      expect(on.body).toMatchObject({ active: true, version: 3, name: ws.name, openingHours: ws.openingHours });
    });

    it('is idempotent: a retry answers 200 with the workspace unchanged, version included', async () => {
      const ws = await h.createWorkspace();
      const first = await h.deactivate(ws.id);
      const retry = await h.deactivate(ws.id);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      const activeAlready = await h.createWorkspace();
      const activated = await h.activate(activeAlready.id);
      expect(activated.status).toBe(200);
      expect(activated.body).toEqual(activeAlready);
    });

    it('deactivates exactly once when retries arrive concurrently', async () => {
      const ws = await h.createWorkspace();
      const answers = await Promise.all([1, 2, 3].map(() => h.deactivate(ws.id)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers.map((a) => a.body.version)).toEqual([2, 2, 2]);
    });

    it('lets a deactivated workspace be edited, and it stays deactivated', async () => {
      const ws = await h.createWorkspace();
      await h.deactivate(ws.id);
      const res = await h.patch(ws.id, { capacity: 3 });
      expect(res.body).toMatchObject({ active: false, capacity: 3, version: 3 });
    });

    it('answers an unknown id with 404 WORKSPACE_NOT_FOUND and a malformed one with 400', async () => {
      expectProblem(await h.deactivate(randomUUID()), 404, 'WORKSPACE_NOT_FOUND');
      expectProblem(await h.activate(randomUUID()), 404, 'WORKSPACE_NOT_FOUND');
      expectProblem(await h.deactivate('not-a-uuid'), 400, 'VALIDATION_FAILED');
    });
  });
});
