import { randomUUID } from 'node:crypto';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { AuthTestContext, expectProblem, newAccount, newIp, sleep } from './support/auth-test-context.js';

const MAX_PER_ACCOUNT = 5; // the default of LOGIN_MAX_FAILURES_PER_ACCOUNT
const MAX_PER_IP = 8;

describe('POST /auth/login', () => {
  let ctx: AuthTestContext;

  beforeAll(async () => {
    ctx = await AuthTestContext.create({ LOGIN_WINDOW_SECONDS: '2', LOGIN_MAX_FAILURES_PER_IP: String(MAX_PER_IP) });
  });

  afterEach(async () => {
    if (ctx.stub.mode !== 'ok' || !ctx.stub.listening) await ctx.healStub();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('signs in with the right password, whatever the email case, and starts a new session', async () => {
    const { account, session: first } = await ctx.registered();

    const res = await ctx.login({ email: `  ${account.email.toUpperCase()} `, password: account.password });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: first.user.id, email: account.email, fullName: account.fullName, role: 'MEMBER' },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    expect(res.body.refreshToken).not.toBe(first.refreshToken);
  });

  it('takes the role from user-service, the source of truth', async () => {
    const { account, session } = await ctx.registered();
    ctx.stub.profiles.get(session.user.id)!.role = 'ADMIN';

    const res = await ctx.login(account);

    expect(res.body.user.role).toBe('ADMIN');
    const me = await ctx.app.get('/auth/me', { token: res.body.accessToken });
    expect(me.body.role).toBe('ADMIN');
  });

  it('answers an unknown email and a wrong password alike', async () => {
    const { account } = await ctx.registered();

    const wrongPassword = await ctx.login({ email: account.email, password: 'not-the-password' });
    const unknownEmail = await ctx.login({ email: `nobody-${randomUUID()}@example.com`, password: account.password });

    expectProblem(wrongPassword, 401, 'INVALID_CREDENTIALS');
    const comparable = ({ status, body, headers }: typeof wrongPassword) => ({
      status,
      contentType: headers['content-type'],
      retryAfter: headers['retry-after'],
      type: body.type,
      title: body.title,
      code: body.code,
      detail: body.detail,
      keys: Object.keys(body).sort(),
    });
    expect(comparable(unknownEmail)).toEqual(comparable(wrongPassword));
  });

  it('answers a registration still in progress (PENDING credentials) like an unknown email', async () => {
    const account = newAccount();
    const passwordHash = await ctx.app.app.get(PasswordHasher).hash(account.password);
    await ctx.prisma.credential.create({ data: { id: randomUUID(), email: account.email, passwordHash } });

    expectProblem(await ctx.login(account), 401, 'INVALID_CREDENTIALS');
  });

  it('refuses a suspended user with 401 ACCOUNT_SUSPENDED, but only once the password is right', async () => {
    const { account, session } = await ctx.registered();
    ctx.stub.suspend(session.user.id);

    expectProblem(await ctx.login(account), 401, 'ACCOUNT_SUSPENDED');
    expectProblem(await ctx.login({ ...account, password: 'wrong-password' }), 401, 'INVALID_CREDENTIALS');
  });

  it('answers 503 with Retry-After when user-service is down, and signs in once it is back', async () => {
    const { account } = await ctx.registered();
    await ctx.stub.stop();

    const res = await ctx.login(account);

    expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await ctx.healStub();
    expect((await ctx.login(account)).status).toBe(200);
  });

  describe('rate limit', () => {
    it(`after ${MAX_PER_ACCOUNT} wrong passwords for one account (from any IP) answers 429 until the window passes`, async () => {
      const { account } = await ctx.registered();

      const statuses: number[] = [];
      let limited;
      for (let i = 0; i < 20; i++) {
        const res = await ctx.login({ email: account.email, password: `wrong-${i}` }, newIp());
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }

      expect(statuses).toEqual([...Array(MAX_PER_ACCOUNT).fill(401), ...Array(20 - MAX_PER_ACCOUNT).fill(429)]);
      expectProblem(limited!, 429, 'RATE_LIMITED');
      const retryAfter = Number(limited!.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(2);

      const during = await ctx.login(account);
      expectProblem(during, 429, 'RATE_LIMITED');

      await sleep(Number(during.headers['retry-after']) * 1000 + 100);
      const after = await ctx.login(account);
      expect(after.status).toBe(200);
      // the success cleared the account's count: the next mistake is a plain 401 again
      expect((await ctx.login({ ...account, password: 'wrong-again' })).status).toBe(401);
    });

    it(`after ${MAX_PER_IP} failures from one IP answers 429 for any account from that IP, not from others`, async () => {
      const ip = newIp();
      const { account } = await ctx.registered();

      const statuses: number[] = [];
      for (let i = 0; i < MAX_PER_IP; i++) {
        const res = await ctx.login({ email: newAccount().email, password: 'guessing' }, ip);
        statuses.push(res.status);
      }
      const fromSameIp = await ctx.login(account, ip);
      const fromOtherIp = await ctx.login(account, newIp());

      expect(statuses).toEqual(Array(MAX_PER_IP).fill(401));
      expectProblem(fromSameIp, 429, 'RATE_LIMITED');
      expect(Number(fromSameIp.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(fromOtherIp.status).toBe(200);
    });

    it('does not count successful logins against the IP', async () => {
      const ip = newIp();
      const { account } = await ctx.registered();

      const statuses: number[] = [];
      for (let i = 0; i < MAX_PER_IP + 2; i++) statuses.push((await ctx.login(account, ip)).status);

      expect(statuses).toEqual(Array(MAX_PER_IP + 2).fill(200));
    });

    it('does not count the right password as a failure while user-service is down', async () => {
      const ip = newIp();
      const { account } = await ctx.registered();
      await ctx.stub.stop();

      const statuses: number[] = [];
      for (let i = 0; i < MAX_PER_ACCOUNT + 1; i++) statuses.push((await ctx.login(account, ip)).status);
      await ctx.healStub();

      expect(statuses).toEqual(Array(MAX_PER_ACCOUNT + 1).fill(503));
      expect((await ctx.login(account, ip)).status).toBe(200);
    });

    it('cannot be bypassed by sending the wrong passwords all at once', async () => {
      const { account } = await ctx.registered();

      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => ctx.login({ email: account.email, password: `wrong-${i}` }, newIp())),
      );

      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_PER_ACCOUNT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20 - MAX_PER_ACCOUNT);
    });
  });
});
