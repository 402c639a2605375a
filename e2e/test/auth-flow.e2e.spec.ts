import { randomUUID } from 'node:crypto';
import { api } from '../support/http.js';
import { Platform } from '../support/platform.js';

describe('sign-up and session lifecycle across auth-service and user-service (real processes)', () => {
  let platform: Platform;
  let auth: string;
  let users: string;

  beforeAll(async () => {
    platform = await Platform.start(['auth-service', 'user-service']);
    auth = platform.url('auth-service');
    users = platform.url('user-service');
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('registers, logs in, reads /users/me, refreshes, detects reuse, and logs out', async () => {
    const email = `e2e-${randomUUID()}@example.com`;
    const password = 'a long enough passphrase';

    const registered = await api('POST', `${auth}/auth/register`, {
      body: { email, password, fullName: 'Grace Hopper' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body.user).toMatchObject({ email, fullName: 'Grace Hopper', role: 'MEMBER' });
    const userId: string = registered.body.user.id;

    const login = await api('POST', `${auth}/auth/login`, { body: { email, password } });
    expect(login.status).toBe(200);
    expect(login.body.expiresIn).toBe(900);

    // user-service verifies the ES256 token against auth-service's JWKS over HTTP
    const me = await api('GET', `${users}/users/me`, { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: userId, email, fullName: 'Grace Hopper', role: 'MEMBER', status: 'ACTIVE' });

    const refreshed = await api('POST', `${auth}/auth/refresh`, { body: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    expect((await api('GET', `${users}/users/me`, { token: refreshed.body.accessToken })).status).toBe(200);

    // the rotated token presented again: reuse, and the whole family is revoked
    const reused = await api('POST', `${auth}/auth/refresh`, { body: { refreshToken: login.body.refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(reused.body.code).toBe('REFRESH_TOKEN_REUSED');
    const familyMember = await api('POST', `${auth}/auth/refresh`, {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    expect(familyMember.status).toBe(401);

    // the session from registration is another family and still works; logout ends it
    const other = await api('POST', `${auth}/auth/refresh`, { body: { refreshToken: registered.body.refreshToken } });
    expect(other.status).toBe(200);
    const logout = await api('POST', `${auth}/auth/logout`, { body: { refreshToken: other.body.refreshToken } });
    expect(logout.status).toBe(204);
    const afterLogout = await api('POST', `${auth}/auth/refresh`, { body: { refreshToken: other.body.refreshToken } });
    expect(afterLogout.status).toBe(401);
  });

  it('answers 503 and keeps no credentials when user-service is down at registration', async () => {
    const email = `e2e-${randomUUID()}@example.com`;
    const body = { email, password: 'a long enough passphrase', fullName: 'Down Time' };
    await platform.service('user-service').stop();
    try {
      const res = await api('POST', `${auth}/auth/register`, { body });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(res.headers.get('retry-after')).toBeTruthy();
      // no orphan credentials: logging in fails like an unknown email
      const login = await api('POST', `${auth}/auth/login`, { body: { email, password: body.password } });
      expect(login.status).toBe(401);
      expect(login.body.code).toBe('INVALID_CREDENTIALS');
    } finally {
      await platform.service('user-service').start();
    }
    // once user-service is back (and the circuit half-opens), the same email registers
    let res = await api('POST', `${auth}/auth/register`, { body });
    for (let i = 0; i < 30 && res.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 500));
      res = await api('POST', `${auth}/auth/register`, { body });
    }
    expect(res.status).toBe(201);
  });
});
