import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { AuthTestContext, expectProblem, newAccount } from './support/auth-test-context.js';

describe('POST /auth/register', () => {
  let ctx: AuthTestContext;

  beforeAll(async () => {
    ctx = await AuthTestContext.create();
  });

  afterEach(async () => {
    if (ctx.stub.mode !== 'ok' || !ctx.stub.listening || ctx.stub.loseCreateAnswers) await ctx.healStub();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('creates the account and its profile, and answers 201 with a session', async () => {
    const account = newAccount({ email: 'Ada.Lovelace+' + Date.now() + '@Example.com' });

    const res = await ctx.register(account);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: { id: expect.any(String), email: account.email.toLowerCase(), fullName: account.fullName, role: 'MEMBER' },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    expect(ctx.stub.profiles.get(res.body.user.id)).toMatchObject({
      email: account.email.toLowerCase(),
      fullName: account.fullName,
      role: 'MEMBER',
    });
    const row = await ctx.prisma.credential.findUnique({ where: { id: res.body.user.id } });
    expect(row).toMatchObject({ email: account.email.toLowerCase(), status: 'ACTIVE' });
    expect(row!.passwordHash).not.toContain(account.password);
  });

  it('issues an ES256 access token that verifies against the JWKS with iss, aud, sub, role, jti and a 15-minute life', async () => {
    const { session } = await ctx.registered();
    const jwksRes = await ctx.app.get('/.well-known/jwks.json');
    expect(jwksRes.status).toBe(200);

    const { payload, protectedHeader } = await jwtVerify(session.accessToken, createLocalJWKSet(jwksRes.body), {
      algorithms: ['ES256'],
      issuer: 'cowork-auth',
      audience: 'cowork-api',
    });

    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: jwksRes.body.keys[0].kid });
    expect(payload).toMatchObject({
      sub: session.user.id,
      role: 'MEMBER',
      token_use: 'access',
      jti: expect.any(String),
    });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('calls user-service with a service token of its own, an Idempotency-Key and the request id', async () => {
    const account = newAccount();
    const res = await ctx.app.post('/auth/register', {
      body: account,
      headers: { 'x-request-id': 'register-trace-1' },
    });
    expect(res.status).toBe(201);

    const call = ctx.stub.requests.find(
      (r) => r.method === 'POST' && (r.body as { email?: string })?.email === account.email,
    );
    expect(call).toMatchObject({ idempotencyKey: res.body.user.id, requestId: 'register-trace-1' });
    const jwks = createLocalJWKSet((await ctx.app.get('/.well-known/jwks.json')).body);
    const { payload } = await jwtVerify(call!.authorization!.replace(/^Bearer /, ''), jwks, { audience: 'cowork-api' });
    expect(payload).toMatchObject({ sub: 'auth-service', token_use: 'service' });
    expect(decodeProtectedHeader(call!.authorization!.slice(7)).alg).toBe('ES256');
  });

  it('refuses a second account for the same email, whatever its case, with 409 EMAIL_TAKEN', async () => {
    const { account } = await ctx.registered();

    const again = await ctx.register({ ...account, email: account.email.toUpperCase(), password: 'another-password' });

    expectProblem(again, 409, 'EMAIL_TAKEN');
    expect(await ctx.credentialCount(account.email)).toBe(1);
  });

  it.each([
    { length: 7, status: 400 },
    { length: 8, status: 201 },
    { length: 128, status: 201 },
    { length: 129, status: 400 },
  ])('answers $status to a password of $length characters', async ({ length, status }) => {
    const res = await ctx.register(newAccount({ password: 'p'.repeat(length) }));

    expect(res.status).toBe(status);
    if (status === 400) {
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: 'password', messages: [expect.stringContaining('password')] }]);
    }
  });

  it("has no composition rules, and every one of 128 characters counts (not only bcrypt's first 72 bytes)", async () => {
    const base = 'é'.repeat(100);
    const { account } = await ctx.registered({ password: `${base}A` });

    expect((await ctx.login({ email: account.email, password: `${base}A` })).status).toBe(200);
    expect((await ctx.login({ email: account.email, password: `${base}B` })).status).toBe(401);
  });

  describe('when user-service fails', () => {
    const outages: [string, () => Promise<void> | void][] = [
      ['is down', () => ctx.stub.stop()],
      ['answers 500', () => void (ctx.stub.mode = 'error')],
      ['does not answer in time', () => void (ctx.stub.mode = 'hang')],
    ];

    it.each(outages)(
      'answers 503 with Retry-After and keeps no credentials when user-service %s',
      async (_, breakIt) => {
        const account = newAccount();
        await breakIt();

        const res = await ctx.register(account);

        expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.body.dependency).toBe('user-service');
        expect(await ctx.credentialCount(account.email)).toBe(0);

        await ctx.healStub();
        const retry = await ctx.register(account);
        expect(retry.status).toBe(201);
        expect(await ctx.credentialCount(account.email)).toBe(1);
        expect((await ctx.login(account)).status).toBe(200);
      },
    );

    it('removes the profile again when user-service created it but its answer was lost', async () => {
      const account = newAccount();
      ctx.stub.loseCreateAnswers = true;

      const res = await ctx.register(account);

      expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
      expect(await ctx.credentialCount(account.email)).toBe(0);
      expect(ctx.stub.profileByEmail(account.email)).toBeUndefined();
      await ctx.healStub();
      expect((await ctx.register(account)).status).toBe(201);
    });

    it('answers 409 EMAIL_TAKEN and keeps no credentials when user-service already has a profile with that email', async () => {
      const account = newAccount();
      const existing = ctx.stub.seed(account.email);

      const res = await ctx.register(account);

      expectProblem(res, 409, 'EMAIL_TAKEN');
      expect(await ctx.credentialCount(account.email)).toBe(0);
      expect(ctx.stub.profiles.get(existing.id)).toEqual(existing);
    });
  });
});
