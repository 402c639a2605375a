import { createLocalJWKSet, jwtVerify } from 'jose';
import { AuthTestContext, expectProblem } from './support/auth-test-context.js';

describe('refresh tokens', () => {
  let ctx: AuthTestContext;

  beforeAll(async () => {
    ctx = await AuthTestContext.create();
  });

  afterEach(async () => {
    if (ctx.stub.mode !== 'ok' || !ctx.stub.listening) await ctx.healStub();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const familyOf = async (userId: string) =>
    ctx.prisma.refreshToken.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });

  describe('POST /auth/refresh', () => {
    it('rotates: answers a new access token and a new refresh token, and the old one is spent', async () => {
      const { session } = await ctx.registered();

      const res = await ctx.refresh(session.refreshToken);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        user: session.user,
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
      });
      expect(res.body.refreshToken).not.toBe(session.refreshToken);
      const jwks = createLocalJWKSet((await ctx.app.get('/.well-known/jwks.json')).body);
      const { payload } = await jwtVerify(res.body.accessToken, jwks, {
        issuer: 'cowork-auth',
        audience: 'cowork-api',
      });
      expect(payload.sub).toBe(session.user.id);
      expect((await ctx.refresh(session.refreshToken)).status).toBe(401);
    });

    it('stores refresh tokens hashed, never as they are', async () => {
      const { session } = await ctx.registered();

      const rows = await familyOf(session.user.id);

      expect(rows).toHaveLength(1);
      expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rows)).not.toContain(session.refreshToken);
    });

    it('on reuse of a rotated token answers 401 REFRESH_TOKEN_REUSED and revokes the whole family, not other logins', async () => {
      const { account, session } = await ctx.registered();
      const otherLogin = (await ctx.login(account)).body;
      const second = (await ctx.refresh(session.refreshToken)).body;
      const newest = (await ctx.refresh(second.refreshToken)).body;

      const reuse = await ctx.refresh(session.refreshToken);

      expectProblem(reuse, 401, 'REFRESH_TOKEN_REUSED');
      expectProblem(await ctx.refresh(newest.refreshToken), 401);
      const other = await ctx.refresh(otherLogin.refreshToken);
      expect(other.status).toBe(200);
      expect((await ctx.refresh(other.body.refreshToken)).status).toBe(200);
    });

    it('of two concurrent refreshes with one token, lets exactly one through', async () => {
      const { session } = await ctx.registered();

      const answers = await Promise.all([ctx.refresh(session.refreshToken), ctx.refresh(session.refreshToken)]);

      expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('refuses a suspended user with 401 ACCOUNT_SUSPENDED and revokes that login', async () => {
      const { session } = await ctx.registered();
      ctx.stub.suspend(session.user.id);

      expectProblem(await ctx.refresh(session.refreshToken), 401, 'ACCOUNT_SUSPENDED');

      expect((await familyOf(session.user.id)).every((t) => t.revokedAt !== null)).toBe(true);
      ctx.stub.profiles.get(session.user.id)!.status = 'ACTIVE';
      expectProblem(await ctx.refresh(session.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('answers 503 with Retry-After while user-service is down and leaves the token usable', async () => {
      const { session } = await ctx.registered();
      await ctx.stub.stop();

      const res = await ctx.refresh(session.refreshToken);

      expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      await ctx.healStub();
      expect((await ctx.refresh(session.refreshToken)).status).toBe(200);
    });

    it('answers 503 when user-service does not answer in time, and the token still works after', async () => {
      const { session } = await ctx.registered();
      ctx.stub.mode = 'hang';

      expectProblem(await ctx.refresh(session.refreshToken), 503, 'DEPENDENCY_UNAVAILABLE');

      await ctx.healStub();
      expect((await ctx.refresh(session.refreshToken)).status).toBe(200);
    });

    it('refuses an expired token with 401 INVALID_REFRESH_TOKEN', async () => {
      const { session } = await ctx.registered();
      await ctx.prisma.refreshToken.updateMany({
        where: { userId: session.user.id },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });

      expectProblem(await ctx.refresh(session.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('refuses an unknown token with 401 INVALID_REFRESH_TOKEN', async () => {
      expectProblem(await ctx.refresh('x'.repeat(43)), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('reflects the current role from user-service in the new access token', async () => {
      const { session } = await ctx.registered();
      ctx.stub.profiles.get(session.user.id)!.role = 'ADMIN';

      const res = await ctx.refresh(session.refreshToken);

      expect(res.body.user.role).toBe('ADMIN');
      expect((await ctx.app.get('/auth/me', { token: res.body.accessToken })).body.role).toBe('ADMIN');
    });
  });

  describe('POST /auth/logout', () => {
    it('answers 204 and the refresh token no longer works (INVALID_REFRESH_TOKEN: revoked, not reused)', async () => {
      const { session } = await ctx.registered();

      const res = await ctx.logout(session.refreshToken);

      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectProblem(await ctx.refresh(session.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('ends the whole login, including tokens rotated from the one presented', async () => {
      const { session } = await ctx.registered();
      const rotated = (await ctx.refresh(session.refreshToken)).body;

      expect((await ctx.logout(session.refreshToken)).status).toBe(204);

      expect((await ctx.refresh(rotated.refreshToken)).status).toBe(401);
    });

    it('is idempotent: twice, and with an unknown token, it answers 204', async () => {
      const { session } = await ctx.registered();

      expect((await ctx.logout(session.refreshToken)).status).toBe(204);
      expect((await ctx.logout(session.refreshToken)).status).toBe(204);
      expect((await ctx.logout('y'.repeat(43))).status).toBe(204);
    });

    it("leaves the user's other logins alone", async () => {
      const { account, session } = await ctx.registered();
      const other = (await ctx.login(account)).body;

      await ctx.logout(session.refreshToken);

      expect((await ctx.refresh(other.refreshToken)).status).toBe(200);
    });
  });
});
