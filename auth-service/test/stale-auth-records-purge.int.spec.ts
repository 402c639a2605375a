import { randomUUID } from 'node:crypto';
import { FAMILY_BATCH, StaleAuthRecordsPurge, THROTTLE_BATCH } from '../src/auth/stale-auth-records-purge.js';
import { AuthTestContext, expectProblem, newIp, sleep } from './support/auth-test-context.js';

const WINDOW_SECONDS = 60;
const RETENTION_DAYS = 7;
const MAX_PER_ACCOUNT = 5; // the default of LOGIN_MAX_FAILURES_PER_ACCOUNT

/**
 * The purge against the real schema: which login throttles and refresh tokens it deletes, and
 * that what it keeps still works (throttling, and reuse detection of refresh tokens).
 */
describe('stale auth records purge (integration)', () => {
  let ctx: AuthTestContext;
  let purge: StaleAuthRecordsPurge;

  beforeAll(async () => {
    ctx = await AuthTestContext.create({
      // passes run only when a test runs one
      PURGE_INTERVAL_MS: '0',
      LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
      REFRESH_TOKEN_RETENTION_DAYS: String(RETENTION_DAYS),
    });
    purge = ctx.app.app.get(StaleAuthRecordsPurge);
  });

  beforeEach(async () => {
    await ctx.prisma.$executeRaw`DELETE FROM login_throttles`;
    await ctx.prisma.$executeRaw`DELETE FROM refresh_tokens`;
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const throttleKeys = async () =>
    (await ctx.prisma.loginThrottle.findMany({ orderBy: { key: 'asc' } })).map((row) => row.key);

  /** A throttle row as a failed login leaves it, its window started `secondsAgo`. */
  const throttleRow = (key: string, secondsAgo: number, failures = 3) => ctx.prisma.$executeRaw`
    INSERT INTO login_throttles (key, failures, window_started_at, updated_at)
    VALUES (${key}, ${failures}, now() - make_interval(secs => ${secondsAgo}), now())`;

  const ageThrottle = (key: string, secondsAgo: number) => ctx.prisma.$executeRaw`
    UPDATE login_throttles SET window_started_at = now() - make_interval(secs => ${secondsAgo}) WHERE key = ${key}`;

  const tokensOf = (userId: string) =>
    ctx.prisma.refreshToken.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });

  /** Every token of the user's logins expires (expired) at now minus `daysAgo`. */
  const expireTokens = (userId: string, daysAgo: number) =>
    ctx.prisma.refreshToken.updateMany({
      where: { userId },
      data: { expiresAt: new Date(Date.now() - daysAgo * 86_400_000) },
    });

  describe('login throttles', () => {
    it('deletes the rows whose window ended and keeps those still inside their window', async () => {
      await throttleRow('ip:203.0.113.1', WINDOW_SECONDS + 1);
      await throttleRow('account:gone@example.com', 10 * WINDOW_SECONDS);
      await throttleRow('ip:203.0.113.2', WINDOW_SECONDS - 5);
      await throttleRow('account:counting@example.com', 0);

      const pass = await purge.runPass();

      expect(pass.loginThrottles).toBe(2);
      expect(await throttleKeys()).toEqual(['account:counting@example.com', 'ip:203.0.113.2']);
    });

    it('keeps a throttled account throttled: the right password still gets 429 after a purge', async () => {
      const { account } = await ctx.registered();
      for (let i = 0; i < MAX_PER_ACCOUNT; i++) {
        expectProblem(await ctx.login({ email: account.email, password: `wrong-${i}` }), 401, 'INVALID_CREDENTIALS');
      }
      expectProblem(await ctx.login(account), 429, 'RATE_LIMITED');
      await throttleRow('ip:203.0.113.9', WINDOW_SECONDS + 1);

      const pass = await purge.runPass();

      expect(pass.loginThrottles).toBe(1);
      const limited = await ctx.login(account);
      expectProblem(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(WINDOW_SECONDS - 10);
      const row = await ctx.prisma.loginThrottle.findUnique({ where: { key: `account:${account.email}` } });
      expect(row?.failures).toBe(MAX_PER_ACCOUNT);
    });

    it('after a purged window, the next failed login counts from 1 as it would have without the purge', async () => {
      const { account } = await ctx.registered();
      const ip = newIp();
      for (let i = 0; i < MAX_PER_ACCOUNT; i++) await ctx.login({ email: account.email, password: `wrong-${i}` }, ip);
      await ageThrottle(`account:${account.email}`, WINDOW_SECONDS);
      await ageThrottle(`ip:${ip}`, WINDOW_SECONDS);

      expect((await purge.runPass()).loginThrottles).toBe(2);
      expect(await throttleKeys()).toEqual([]);

      expectProblem(await ctx.login({ email: account.email, password: 'wrong-again' }, ip), 401, 'INVALID_CREDENTIALS');
      const rows = await ctx.prisma.loginThrottle.findMany({ orderBy: { key: 'asc' } });
      expect(rows.map((r) => [r.key, r.failures])).toEqual([
        [`account:${account.email}`, 1],
        [`ip:${ip}`, 1],
      ]);
      expect((await ctx.login(account, ip)).status).toBe(200);
    });

    it(`deletes more than one batch (${THROTTLE_BATCH} rows) of ended windows in one pass, keeping the live rows among them`, async () => {
      // keys in order: every 100th is inside its window
      await ctx.prisma.$executeRaw`
        INSERT INTO login_throttles (key, failures, window_started_at, updated_at)
        SELECT 'ip:spray-' || lpad(i::text, 5, '0'), 3,
               CASE WHEN i % 100 = 0 THEN now() ELSE now() - make_interval(secs => ${2 * WINDOW_SECONDS}) END, now()
          FROM generate_series(1, 2500) AS i`;

      const pass = await purge.runPass();

      expect(pass.loginThrottles).toBe(2475);
      expect(await throttleKeys()).toEqual(
        Array.from({ length: 25 }, (_, i) => `ip:spray-${String((i + 1) * 100).padStart(5, '0')}`),
      );
    });

    it('two purges at once (two replicas) delete every ended window once between them', async () => {
      await ctx.prisma.$executeRaw`
        INSERT INTO login_throttles (key, failures, window_started_at, updated_at)
        SELECT 'account:spray-' || i || '@example.com', 1, now() - make_interval(secs => ${2 * WINDOW_SECONDS}), now()
          FROM generate_series(1, 1500) AS i`;
      await throttleRow('ip:203.0.113.3', 0);

      const passes = await Promise.all([purge.runPass(), purge.runPass()]);

      expect(passes[0]!.loginThrottles + passes[1]!.loginThrottles).toBe(1500);
      expect(await throttleKeys()).toEqual(['ip:203.0.113.3']);
    });

    it('leaves a row that a login moved to a new window while the purge was deleting it', async () => {
      const key = `account:racing-${randomUUID()}@example.com`;
      await throttleRow(key, 2 * WINDOW_SECONDS, MAX_PER_ACCOUNT);
      let purging: ReturnType<StaleAuthRecordsPurge['runPass']> | undefined;

      // what a failed login does to an ended window (claim: a new window at 1), committed while the
      // purge waits on the row (on PostgreSQL; PGlite runs one statement at a time, so there the
      // purge simply comes after it)
      await ctx.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`
          UPDATE login_throttles SET failures = 1, window_started_at = now(), updated_at = now() WHERE key = ${key}`;
        purging = purge.runPass();
        await sleep(300);
      });
      await purging;

      const row = await ctx.prisma.loginThrottle.findUnique({ where: { key } });
      expect(row?.failures).toBe(1);
    });
  });

  describe('refresh tokens', () => {
    it(`deletes a login whose every token expired more than REFRESH_TOKEN_RETENTION_DAYS ago, all of its tokens`, async () => {
      const { account, session } = await ctx.registered();
      const second = (await ctx.refresh(session.refreshToken)).body;
      const newest = (await ctx.refresh(second.refreshToken)).body;
      await expireTokens(session.user.id, RETENTION_DAYS + 1);

      const pass = await purge.runPass();

      expect(pass).toMatchObject({ refreshTokenFamilies: 1, refreshTokens: 3 });
      expect(await tokensOf(session.user.id)).toEqual([]);
      // answered like any unknown token; the account itself is untouched
      expectProblem(await ctx.refresh(newest.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      expect((await ctx.login(account)).status).toBe(200);
    });

    it('keeps a login that expired less than REFRESH_TOKEN_RETENTION_DAYS ago: its token is still answered as expired', async () => {
      const { session } = await ctx.registered();
      await expireTokens(session.user.id, RETENTION_DAYS - 1);

      const pass = await purge.runPass();

      expect(pass).toMatchObject({ refreshTokenFamilies: 0, refreshTokens: 0 });
      expect(await tokensOf(session.user.id)).toHaveLength(1);
      const res = await ctx.refresh(session.refreshToken);
      expectProblem(res, 401, 'INVALID_REFRESH_TOKEN');
      expect(res.body.detail).toMatch(/expired/);
    });

    it('keeps a live login whole, spent tokens long past their own expiry included, so their reuse is still detected', async () => {
      const { session } = await ctx.registered();
      const second = (await ctx.refresh(session.refreshToken)).body;
      const [spent] = await tokensOf(session.user.id);
      await ctx.prisma.refreshToken.update({
        where: { id: spent!.id },
        data: { expiresAt: new Date(Date.now() - 10 * RETENTION_DAYS * 86_400_000) },
      });

      const pass = await purge.runPass();

      expect(pass).toMatchObject({ refreshTokenFamilies: 0, refreshTokens: 0 });
      expect(await tokensOf(session.user.id)).toHaveLength(2);
      expectProblem(await ctx.refresh(session.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
      expectProblem(await ctx.refresh(second.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('keeps a revoked login until its tokens would have expired plus the retention period', async () => {
      const { session } = await ctx.registered();
      const second = (await ctx.refresh(session.refreshToken)).body;
      expect((await ctx.logout(second.refreshToken)).status).toBe(204);

      expect((await purge.runPass()).refreshTokens).toBe(0);
      await expireTokens(session.user.id, RETENTION_DAYS - 1);
      expect((await purge.runPass()).refreshTokens).toBe(0);
      // until then, the spent token is still reuse, and the revoked one still revoked
      expectProblem(await ctx.refresh(session.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
      expect((await ctx.refresh(second.refreshToken)).body.detail).toMatch(/revoked/);

      await expireTokens(session.user.id, RETENTION_DAYS + 1);
      expect(await purge.runPass()).toMatchObject({ refreshTokenFamilies: 1, refreshTokens: 2 });
      expect(await tokensOf(session.user.id)).toEqual([]);
    });

    it('keeps a login while any of its tokens expired less than the retention ago, even a spent one', async () => {
      // e.g. after REFRESH_TOKEN_TTL_DAYS was lowered: the spent token outlives the unspent one
      const { session } = await ctx.registered();
      await ctx.refresh(session.refreshToken);
      const [spent, unspent] = await tokensOf(session.user.id);
      await ctx.prisma.refreshToken.update({
        where: { id: unspent!.id },
        data: { expiresAt: new Date(Date.now() - (RETENTION_DAYS + 1) * 86_400_000) },
      });
      await ctx.prisma.refreshToken.update({
        where: { id: spent!.id },
        data: { expiresAt: new Date(Date.now() - (RETENTION_DAYS - 1) * 86_400_000) },
      });

      expect((await purge.runPass()).refreshTokens).toBe(0);
      expect(await tokensOf(session.user.id)).toHaveLength(2);
    });

    it(`deletes more than one batch (${FAMILY_BATCH} logins) of ended logins in one pass, and no live one`, async () => {
      const { session: live } = await ctx.registered();
      await ctx.refresh(live.refreshToken);
      const { session: owner } = await ctx.registered();
      // 450 ended logins of `owner`, each a spent and an unspent token
      await ctx.prisma.$executeRaw`
        INSERT INTO refresh_tokens (id, token_hash, family_id, user_id, expires_at, used_at, updated_at)
        SELECT md5('token-' || f || '-' || n)::uuid, md5('a-' || f || '-' || n) || md5('b-' || f || '-' || n),
               md5('family-' || f)::uuid, ${owner.user.id}::uuid,
               now() - make_interval(days => ${RETENTION_DAYS + 3}::int),
               CASE WHEN n = 1 THEN now() - make_interval(days => ${RETENTION_DAYS + 30}::int) END, now()
          FROM generate_series(1, 450) AS f, generate_series(1, 2) AS n`;
      await expireTokens(owner.user.id, RETENTION_DAYS + 3);

      const pass = await purge.runPass();

      expect(pass).toMatchObject({ refreshTokenFamilies: 451, refreshTokens: 901 });
      expect(await tokensOf(owner.user.id)).toEqual([]);
      expect(await tokensOf(live.user.id)).toHaveLength(2);
    });
  });
});
