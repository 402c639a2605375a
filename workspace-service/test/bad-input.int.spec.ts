import type { TestRequest } from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { expectProblem, fieldsOf, Workspace, WorkspaceServiceHarness, workspaceInput } from './support/harness.js';

/**
 * Hostile and broken input: every case is answered 4xx as application/problem+json (never a
 * 500, never a stack trace), nothing is written, and the service goes on answering afterwards.
 */
describe('bad input and abuse (integration)', () => {
  let h: WorkspaceServiceHarness;
  let ws: Workspace;

  beforeAll(async () => {
    h = await WorkspaceServiceHarness.start();
    ws = await h.createWorkspace();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** After each abuse: the workspace is unchanged and a normal request gets a normal answer. */
  async function expectStillServing(): Promise<void> {
    const res = await h.get(ws.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ws);
  }

  const asAdmin = (method: string, url: string, req: TestRequest = {}) =>
    h.app.request(method, url, { ...req, token: h.adminToken });
  const WRITES: [string, string][] = [
    ['POST', '/workspaces'],
    ['PATCH', '/workspaces/{id}'],
  ];
  const at = (url: string) => url.replace('{id}', ws.id);

  describe('malformed bodies', () => {
    it.each(
      WRITES.flatMap(([method, url]) =>
        [
          ['truncated JSON', '{"name":'],
          ['JSON with a trailing comma', '{"name":"x",}'],
          ['not JSON at all', "name='Desk'"],
          ['an empty body declared as JSON', ''],
          ['a __proto__ key (prototype poisoning)', '{"name":"x","__proto__":{"active":false}}'],
          ['a constructor.prototype key', '{"name":"x","constructor":{"prototype":{"active":false}}}'],
        ].map(([what, raw]) => [`${method} ${url}`, what!, method, url, raw!] as const),
      ),
    )('%s: answers %s with 400', async (_route, _what, method, url, rawBody) => {
      expectProblem(await asAdmin(method, at(url), { rawBody }), 400);
      await expectStillServing();
    });

    it.each([
      ['a JSON array', '[{"name":"x"}]'],
      ['a JSON string', '"Desk"'],
      ['a JSON number', '42'],
    ])('answers %s where an object is expected with 400 VALIDATION_FAILED', async (_what, rawBody) => {
      expectProblem(await asAdmin('POST', '/workspaces', { rawBody }), 400, 'VALIDATION_FAILED');
      expectProblem(await asAdmin('PATCH', at('/workspaces/{id}'), { rawBody }), 400, 'VALIDATION_FAILED');
      await expectStillServing();
    });

    it('answers a JSON null body with 400 on create, and as an empty patch (no change) on PATCH', async () => {
      // the kit's validation pipe reads a null body as {}: for a create the required fields are missing
      const create = await asAdmin('POST', '/workspaces', { rawBody: 'null' });
      expectProblem(create, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(create)).toEqual(['capacity', 'currency', 'hourlyRateCents', 'name', 'timezone', 'type']);
      const patch = await asAdmin('PATCH', at('/workspaces/{id}'), { rawBody: 'null' });
      expect(patch.status).toBe(200);
      expect(patch.body).toEqual(ws);
      await expectStillServing();
    });

    it('answers a body that is not JSON (text/plain, XML, form) with 400 or 415, never 500', async () => {
      for (const [type, rawBody] of [
        ['text/plain', 'name=Desk'],
        ['application/xml', '<name>Desk</name>'],
        ['application/x-www-form-urlencoded', 'name=Desk&capacity=1'],
      ]) {
        const res = await asAdmin('POST', '/workspaces', { rawBody, headers: { 'content-type': type! } });
        expect([400, 415]).toContain(res.status);
        expectProblem(res, res.status);
      }
      await expectStillServing();
    });

    it.each(WRITES)('answers a 2 MB body on %s %s with 413 PAYLOAD_TOO_LARGE', async (method, url) => {
      const rawBody = JSON.stringify(workspaceInput({ description: 'x'.repeat(2 * 1024 * 1024) }));
      expectProblem(await asAdmin(method, at(url), { rawBody }), 413, 'PAYLOAD_TOO_LARGE');
      await expectStillServing();
    });

    it('answers a 2 MB body without a token with 413 or 401, never 500', async () => {
      const res = await h.app.post('/workspaces', { rawBody: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
      expect([401, 413]).toContain(res.status);
      expectProblem(res, res.status);
    });
  });

  describe('unknown fields, wrong types and hostile strings name the field', () => {
    it.each<[string, string, string, unknown, string[]]>([
      ['an unknown top-level field', 'POST', '/workspaces', workspaceInput({ floor: 3 }), ['floor']],
      ['an unknown field on a patch', 'PATCH', '/workspaces/{id}', { capacity: 2, isAdmin: true }, ['isAdmin']],
      [
        'an unknown field in an opening range',
        'PATCH',
        '/workspaces/{id}',
        { openingHours: [{ day: 1, open: '08:00', close: '09:00', tz: 'UTC' }] },
        ['openingHours[0].tz'],
      ],
      [
        'every field of the wrong type',
        'POST',
        '/workspaces',
        {
          name: 1,
          description: 2,
          type: 3,
          capacity: '4',
          hourlyRateCents: '5',
          currency: 6,
          timezone: 7,
          openingHours: 'always',
          minBookingMinutes: '8',
          maxBookingMinutes: true,
        },
        [
          'capacity',
          'currency',
          'description',
          'hourlyRateCents',
          'maxBookingMinutes',
          'minBookingMinutes',
          'name',
          'openingHours',
          'timezone',
          'type',
        ],
      ],
      ['an object where a string belongs', 'PATCH', '/workspaces/{id}', { name: { $ne: '' } }, ['name']],
      ['a NUL character in the name', 'POST', '/workspaces', workspaceInput({ name: 'Desk\u0000 1' }), ['name']],
      ['an escape sequence in the name', 'PATCH', '/workspaces/{id}', { name: 'Desk\u001b[2J' }, ['name']],
      ['a NUL character in the description', 'PATCH', '/workspaces/{id}', { description: 'a\u0000b' }, ['description']],
      [
        'a NUL character in the time zone',
        'PATCH',
        '/workspaces/{id}',
        { timezone: 'Europe/Berlin\u0000' },
        ['timezone'],
      ],
      [
        'a NUL character in an opening time',
        'PATCH',
        '/workspaces/{id}',
        { openingHours: [{ day: 1, open: '08:00\u0000', close: '09:00' }] },
        ['openingHours[0].open'],
      ],
      [
        'an absurdly long time zone',
        'PATCH',
        '/workspaces/{id}',
        { timezone: `Europe/${'B'.repeat(500)}` },
        ['timezone'],
      ],
      [
        'a huge number',
        'PATCH',
        '/workspaces/{id}',
        { capacity: 1e308, hourlyRateCents: 2 ** 53 + 2 },
        ['capacity', 'hourlyRateCents'],
      ],
      [
        'a negative zero and NaN-like strings',
        'PATCH',
        '/workspaces/{id}',
        { capacity: 'NaN', minBookingMinutes: 'Infinity' },
        ['capacity', 'minBookingMinutes'],
      ],
      [
        'a day as a float',
        'PATCH',
        '/workspaces/{id}',
        { openingHours: [{ day: 1.5, open: '08:00', close: '09:00' }] },
        ['openingHours[0].day'],
      ],
      [
        'nested arrays as opening ranges',
        'PATCH',
        '/workspaces/{id}',
        { openingHours: [[1, '08:00', '09:00']] },
        ['openingHours[0]'],
      ],
    ])('answers %s with 400 VALIDATION_FAILED', async (_what, method, url, body, fields) => {
      const res = await asAdmin(method, at(url), { body });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual([...fields].sort());
      await expectStillServing();
    });

    it('answers a huge number in a query with 400, not a database error', async () => {
      const res = await h.app.get('/workspaces', { query: { minCapacity: '99999999999999999999' } });
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });
  });

  describe('invalid UUIDs in the path', () => {
    it.each<[string, string, unknown]>([
      ['GET', '/workspaces/not-a-uuid', undefined],
      ['GET', '/workspaces/1%27%20OR%20%271%27%3D%271', undefined],
      ['GET', '/workspaces/%00', undefined],
      ['PATCH', '/workspaces/123', { capacity: 2 }],
      ['POST', '/workspaces/desk-1/deactivate', undefined],
      ['POST', '/workspaces/00000000-0000-0000-0000-00000000000g/activate', undefined],
    ])('answers %s %s with 400 VALIDATION_FAILED naming id', async (method, url, body) => {
      const res = await asAdmin(method, url, { body });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['id']);
      expect(res.body.detail).toMatch(/uuid/i);
      await expectStillServing();
    });

    it('checks the token before the id: anonymous gets 401 on an admin route even with a bad id', async () => {
      expectProblem(await h.app.patch('/workspaces/nope', { body: { capacity: 2 } }), 401, 'UNAUTHENTICATED');
    });

    it('answers a UUID of any version (the nil UUID too) with 404, not 400', async () => {
      for (const id of ['00000000-0000-0000-0000-000000000000', randomUUID().replace(/^(.{14})4/, '$11')]) {
        expectProblem(await h.get(id), 404, 'WORKSPACE_NOT_FOUND');
      }
    });
  });

  describe('forged and broken tokens', () => {
    let forgeries: Record<string, string>;
    beforeAll(async () => {
      forgeries = await h.tokens.forgeries(randomUUID());
    });

    it('refuses every forged token (including forged ADMIN ones) on every admin endpoint with 401', async () => {
      for (const [kind, token] of Object.entries(forgeries)) {
        for (const [method, url, body] of [
          ['POST', '/workspaces', workspaceInput()],
          ['PATCH', `/workspaces/${ws.id}`, { capacity: 2 }],
          ['POST', `/workspaces/${ws.id}/deactivate`, undefined],
          ['POST', `/workspaces/${ws.id}/activate`, undefined],
        ] as const) {
          const res = await h.app.request(method, url, { token, body });
          expect({ kind, method, url, status: res.status }).toEqual({ kind, method, url, status: 401 });
          expectProblem(res, 401, 'UNAUTHENTICATED');
        }
      }
      await expectStillServing();
    });

    it('ignores any token on the public reads (a broken token does not lock anyone out of the catalogue)', async () => {
      expect((await h.app.get(`/workspaces/${ws.id}`, { token: forgeries.garbage })).status).toBe(200);
      expect((await h.app.get('/workspaces', { token: forgeries.expired })).status).toBe(200);
    });
  });
});
