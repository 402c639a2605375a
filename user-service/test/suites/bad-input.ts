import type { TestRequest, TestResponse } from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { Actor, expectProblem, uniqueTag, UserServiceHarness } from '../support/harness.js';

/**
 * Hostile and broken input: every case is answered 4xx as application/problem+json (never a
 * 500, never a stack trace), and the service goes on answering a normal request afterwards.
 */
export function badInputSuite(h: UserServiceHarness): void {
  describe('bad input and abuse', () => {
    let member: Actor;
    let admin: Actor;
    let service: string;

    beforeAll(async () => {
      member = await h.member();
      admin = await h.admin();
      service = await h.serviceToken();
    });

    /** After each abuse: a normal request still gets a normal answer. */
    async function expectStillServing(): Promise<void> {
      const res = await h.app.get('/users/me', { token: member.token });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(member.id);
    }

    type As = 'member' | 'admin' | 'service' | 'anonymous';
    const tokenFor = (as: As) => ({ member: member.token, admin: admin.token, service, anonymous: undefined })[as];
    const send = (as: As, method: string, url: string, req: TestRequest = {}) =>
      h.app.request(method, url, { ...req, token: tokenFor(as) });
    const newProfile = (extra: Record<string, unknown> = {}) => {
      const tag = uniqueTag();
      return { id: randomUUID(), email: `bad-${tag}@example.com`, fullName: `Bad ${tag}`, ...extra };
    };
    const twoMegabytes = () => JSON.stringify({ fullName: 'x'.repeat(2 * 1024 * 1024) });
    const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    describe('malformed bodies', () => {
      it.each<[string, As, string, string, string]>([
        ['truncated JSON', 'member', 'PATCH', '/users/me', '{"fullName":'],
        ['JSON with a trailing comma', 'service', 'POST', '/internal/users', '{"id":"x",}'],
        ['not JSON at all', 'admin', 'PATCH', `/users/${randomUUID()}/role`, "role='ADMIN'"],
        ['an empty body declared as JSON', 'member', 'PATCH', '/users/me', ''],
        [
          'a __proto__ key (prototype poisoning)',
          'member',
          'PATCH',
          '/users/me',
          '{"fullName":"x","__proto__":{"role":"ADMIN"}}',
        ],
        [
          'a constructor.prototype key',
          'member',
          'PATCH',
          '/users/me',
          '{"fullName":"x","constructor":{"prototype":{"role":"ADMIN"}}}',
        ],
      ])('answers %s with 400', async (_what, as, method, url, rawBody) => {
        expectProblem(await send(as, method, url, { rawBody }), 400);
        await expectStillServing();
      });

      it.each([
        ['a JSON array', '[{"fullName":"x"}]'],
        ['a JSON string', '"Ada"'],
        ['a JSON number', '42'],
        ['JSON null', 'null'],
      ])('answers %s where an object is expected with 400 VALIDATION_FAILED', async (_what, rawBody) => {
        expectProblem(await send('member', 'PATCH', '/users/me', { rawBody }), 400, 'VALIDATION_FAILED');
        await expectStillServing();
      });

      it('answers a body that is not JSON (text/plain, XML) with 400 or 415, never 500', async () => {
        for (const [type, rawBody] of [
          ['text/plain', 'fullName=Ada'],
          ['application/xml', '<fullName>Ada</fullName>'],
        ]) {
          const res = await send('member', 'PATCH', '/users/me', { rawBody, headers: { 'content-type': type! } });
          expect([400, 415]).toContain(res.status);
          expectProblem(res, res.status);
        }
        await expectStillServing();
      });
    });

    describe('wrong types, unknown fields and out-of-range values name the field', () => {
      it.each<[string, As, string, string, unknown, string[]]>([
        ['fullName as a number', 'member', 'PATCH', '/users/me', { fullName: 42 }, ['fullName']],
        ['fullName as an object', 'member', 'PATCH', '/users/me', { fullName: { $ne: '' } }, ['fullName']],
        ['a missing fullName', 'member', 'PATCH', '/users/me', {}, ['fullName']],
        ['fullName longer than 200', 'member', 'PATCH', '/users/me', { fullName: 'x'.repeat(201) }, ['fullName']],
        [
          'a NUL character in fullName',
          'member',
          'PATCH',
          '/users/me',
          { fullName: 'Ada\u0000Lovelace' },
          ['fullName'],
        ],
        [
          'a control character in fullName',
          'service',
          'POST',
          '/internal/users',
          newProfile({ fullName: 'Ada\u001b[2J' }),
          ['fullName'],
        ],
        [
          'an unknown field (role) on PATCH /users/me',
          'member',
          'PATCH',
          '/users/me',
          { fullName: 'Ada', role: 'ADMIN' },
          ['role'],
        ],
        [
          'an unknown field on the internal create',
          'service',
          'POST',
          '/internal/users',
          newProfile({ isAdmin: true }),
          ['isAdmin'],
        ],
        [
          'id, email and fullName of wrong types',
          'service',
          'POST',
          '/internal/users',
          { id: 42, email: true, fullName: [] },
          ['id', 'email', 'fullName'],
        ],
        ['an id that is not a UUID', 'service', 'POST', '/internal/users', newProfile({ id: 'user-1' }), ['id']],
        ['an email that is not one', 'service', 'POST', '/internal/users', newProfile({ email: 'ada@' }), ['email']],
        ['an unknown role on create', 'service', 'POST', '/internal/users', newProfile({ role: 'ROOT' }), ['role']],
        ['an unknown role', 'admin', 'PATCH', `/users/${randomUUID()}/role`, { role: 'SUPERUSER' }, ['role']],
        ['a lower-case role', 'admin', 'PATCH', `/users/${randomUUID()}/role`, { role: 'admin' }, ['role']],
        ['a status of the wrong type', 'admin', 'PATCH', `/users/${randomUUID()}/status`, { status: true }, ['status']],
        [
          'an extra field beside status',
          'admin',
          'PATCH',
          `/users/${randomUUID()}/status`,
          { status: 'ACTIVE', role: 'ADMIN' },
          ['role'],
        ],
      ])('answers %s with 400 VALIDATION_FAILED', async (_what, as, method, url, body, fields) => {
        const res = await send(as, method, url, { body });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        const named = (res.body.errors as { field: string }[]).map((e) => e.field);
        expect([...new Set(named)].sort()).toEqual([...fields].sort());
        await expectStillServing();
      });

      it.each<[string, Record<string, string>, string]>([
        ['an unknown query parameter', { sort: 'email' }, 'sort'],
        ['limit 101', { limit: '101' }, 'limit'],
        ['a negative limit', { limit: '-1' }, 'limit'],
        ['a fractional limit', { limit: '1.5' }, 'limit'],
        ['a search longer than 100', { search: 'a'.repeat(101) }, 'search'],
        ['a NUL character in search', { search: 'a\u0000b' }, 'search'],
        ['a cursor that is not base64 JSON', { cursor: '!!!' }, 'cursor'],
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
      ])('answers GET /users with %s with 400 naming it', async (_what, query, field) => {
        const res = await send('admin', 'GET', '/users', { query });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
        await expectStillServing();
      });

      it('answers a repeated query parameter with 400', async () => {
        for (const url of ['/users?limit=1&limit=2', '/users?role=ADMIN&role=MEMBER', '/users?search=a&search=b']) {
          expectProblem(await send('admin', 'GET', url), 400, 'VALIDATION_FAILED');
        }
        await expectStillServing();
      });
    });

    describe('oversized bodies', () => {
      it.each<[string, As, string, string]>([
        ['PATCH /users/me', 'member', 'PATCH', '/users/me'],
        ['POST /internal/users', 'service', 'POST', '/internal/users'],
        ['POST /internal/users without a token', 'anonymous', 'POST', '/internal/users'],
      ])('answers a 2 MB body on %s with 413 PAYLOAD_TOO_LARGE', async (_what, as, method, url) => {
        expectProblem(await send(as, method, url, { rawBody: twoMegabytes() }), 413, 'PAYLOAD_TOO_LARGE');
        await expectStillServing();
      });
    });

    describe('invalid UUIDs in the path', () => {
      it.each<[As, string, string, unknown]>([
        ['admin', 'GET', '/users/not-a-uuid', undefined],
        ['service', 'GET', '/users/1%27%20OR%20%271%27%3D%271', undefined],
        ['admin', 'PATCH', '/users/123/role', { role: 'ADMIN' }],
        ['admin', 'PATCH', '/users/%00/status', { status: 'ACTIVE' }],
        ['service', 'DELETE', '/internal/users/nope', undefined],
      ])('answers %s %s %s with 400', async (as, method, url, body) => {
        const res = await send(as, method, url, { body });
        expectProblem(res, 400);
        expect(res.body.detail).toMatch(/uuid/i);
        await expectStillServing();
      });
    });

    describe('forged and broken tokens', () => {
      const FORGERIES = [
        'expired',
        'otherKey',
        'algNone',
        'hs256WithPublicKey',
        'wrongAudience',
        'wrongIssuer',
        'garbage',
      ];
      let forgeries: Record<string, string>;
      beforeAll(async () => {
        forgeries = await h.tokens.forgeries(member.id);
      });

      it('covers every forgery the kit knows', () => {
        expect(Object.keys(forgeries).sort()).toEqual([...FORGERIES].sort());
      });

      it.each(FORGERIES)('refuses the %s token with 401 UNAUTHENTICATED on GET /users/me', async (kind) => {
        expectProblem(await h.app.get('/users/me', { token: forgeries[kind] }), 401, 'UNAUTHENTICATED');
        await expectStillServing();
      });

      it('refuses the forged ADMIN tokens on an admin endpoint too', async () => {
        for (const kind of ['algNone', 'hs256WithPublicKey']) {
          expectProblem(await h.app.get('/users', { token: forgeries[kind] }), 401, 'UNAUTHENTICATED');
        }
      });

      it.each<[string, () => Promise<Record<string, string>>]>([
        ['a Basic authorization header', async () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
        ['Bearer with no token', async () => ({ authorization: 'Bearer ' })],
        [
          'a token without token_use',
          async () => ({ authorization: `Bearer ${await h.tokens.sign({ role: 'ADMIN' }, member.id)}` }),
        ],
        [
          'an access token with an unknown role',
          async () => ({
            authorization: `Bearer ${await h.tokens.sign({ role: 'ROOT', token_use: 'access' }, member.id)}`,
          }),
        ],
        [
          'a token whose kid is unknown',
          async () => ({ authorization: `Bearer ${await h.tokens.user(member.id, 'MEMBER', { kid: randomUUID() })}` }),
        ],
      ])('refuses %s with 401', async (_what, headers) => {
        const res: TestResponse = await h.app.get('/users/me', { headers: await headers() });
        expectProblem(res, 401, 'UNAUTHENTICATED');
        await expectStillServing();
      });

      it('answers a valid member token on an admin endpoint with 403 FORBIDDEN', async () => {
        expectProblem(await h.app.get('/users', { token: member.token }), 403, 'FORBIDDEN');
        expectProblem(
          await h.app.patch(`/users/${member.id}/status`, { token: member.token, body: { status: 'ACTIVE' } }),
          403,
          'FORBIDDEN',
        );
      });
    });
  });
}
