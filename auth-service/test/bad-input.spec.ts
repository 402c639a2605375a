import { AuthTestContext, expectProblem, newAccount, SERVICE_CLIENT } from './support/auth-test-context.js';

const endpoints: Record<string, () => Record<string, unknown>> = {
  '/auth/register': () => ({ ...newAccount() }),
  '/auth/login': () => ({ email: newAccount().email, password: 'whatever-password' }),
  '/auth/refresh': () => ({ refreshToken: 'r'.repeat(43) }),
  '/auth/logout': () => ({ refreshToken: 'r'.repeat(43) }),
  '/auth/service-token': () => ({ ...SERVICE_CLIENT }),
};
const urls = Object.keys(endpoints);

describe('bad input', () => {
  let ctx: AuthTestContext;

  beforeAll(async () => {
    ctx = await AuthTestContext.create();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  afterEach(async () => {
    // whatever came before, the service keeps serving
    expect((await ctx.app.get('/health/ready')).status).toBe(200);
  });

  it.each(urls)('%s answers malformed JSON with 400 MALFORMED_JSON', async (url) => {
    const res = await ctx.app.post(url, { rawBody: '{"email": "a@example.com", "password": ' });

    expectProblem(res, 400, 'MALFORMED_JSON');
    expect(res.text).not.toMatch(/at \w+ \(|node_modules|SyntaxError/);
  });

  it.each(urls)('%s answers an empty JSON body, a JSON array and JSON null with 400', async (url) => {
    for (const rawBody of ['', '[]', 'null', '"a string"']) {
      const res = await ctx.app.post(url, { rawBody });
      expect({ rawBody, status: res.status }).toEqual({ rawBody, status: 400 });
      expectProblem(res, 400);
    }
  });

  it.each(urls)('%s refuses unknown fields with 400 naming them', async (url) => {
    const res = await ctx.app.post(url, { body: { ...endpoints[url]!(), role: 'ADMIN', isAdmin: true } });

    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['isAdmin', 'role']);
  });

  it.each(urls)('%s answers a 2 MB body with 413 PAYLOAD_TOO_LARGE', async (url) => {
    const res = await ctx.app.post(url, { body: { ...endpoints[url]!(), padding: 'x'.repeat(2 * 1024 * 1024) } });

    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each(urls)('%s refuses a text/plain body with 400 (it is never taken as the fields)', async (url) => {
    const res = await ctx.app.post(url, {
      rawBody: JSON.stringify(endpoints[url]!()),
      headers: { 'content-type': 'text/plain' },
    });

    expectProblem(res, 400, 'VALIDATION_FAILED');
  });

  it('refuses a prototype-polluting body with 400', async () => {
    const res = await ctx.app.post('/auth/register', {
      rawBody: JSON.stringify(newAccount()).replace(/}$/, ', "__proto__": {"role": "ADMIN"}}'),
    });

    expectProblem(res, 400);
  });

  it('names every field of the wrong type in register', async () => {
    const res = await ctx.app.post('/auth/register', {
      body: { email: 42, password: ['a', 'b'], fullName: { first: 'Ada' } },
    });

    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'fullName', 'password']);
  });

  it.each([
    ['a missing email', { email: undefined }, 'email'],
    ['an email that is not one', { email: 'not-an-email' }, 'email'],
    ['an email over 320 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(250)}.example.com` }, 'email'],
    ['a blank full name', { fullName: '   ' }, 'fullName'],
    ['a full name over 200 characters', { fullName: 'n'.repeat(201) }, 'fullName'],
    ['a numeric password', { password: 12345678 }, 'password'],
  ])('refuses %s in register with 400 naming the field', async (_, change, field) => {
    const res = await ctx.app.post('/auth/register', { body: { ...newAccount(), ...change } });

    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('refuses wrong types in login, refresh and logout with 400 naming the field', async () => {
    const login = await ctx.app.post('/auth/login', { body: { email: 'a@example.com', password: 12345678 } });
    const refresh = await ctx.app.post('/auth/refresh', { body: { refreshToken: 1234567890123456 } });
    const logout = await ctx.app.post('/auth/logout', { body: { refreshToken: null } });

    for (const [res, field] of [
      [login, 'password'],
      [refresh, 'refreshToken'],
      [logout, 'refreshToken'],
    ] as const) {
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
  });

  it('still registers and signs in after all of that', async () => {
    const { account } = await ctx.registered();

    expect((await ctx.login(account)).status).toBe(200);
  });
});
