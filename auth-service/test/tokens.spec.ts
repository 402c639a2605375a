import { TestTokenIssuer } from '@cowork/service-kit/testing';
import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  decodeJwt,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  JSONWebKeySet,
  jwtVerify,
  SignJWT,
} from 'jose';
import { AuthSession, AuthTestContext, expectProblem, SERVICE_CLIENT } from './support/auth-test-context.js';

describe('tokens', () => {
  let ctx: AuthTestContext;
  let privatePem: string;
  let jwks: JSONWebKeySet;
  let member: AuthSession;

  /** Signs with auth-service's own key, so only the claims make a token wrong. */
  const signWithServiceKey = async (
    claims: Record<string, unknown>,
    {
      sub = member.user.id,
      iss = 'cowork-auth',
      aud = 'cowork-api',
      exp = '15m' as string | number,
      iat = Math.floor(Date.now() / 1000),
    } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0]!.kid!, typ: 'JWT' })
      .setIssuer(iss)
      .setAudience(aud)
      .setSubject(sub)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(await importPKCS8(privatePem, 'ES256'));

  const serviceToken = async (client = SERVICE_CLIENT) => ctx.app.post('/auth/service-token', { body: client });

  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    privatePem = await exportPKCS8(privateKey);
    ctx = await AuthTestContext.create({ JWT_PRIVATE_KEY: privatePem });
    jwks = (await ctx.app.get('/.well-known/jwks.json')).body;
    member = (await ctx.registered()).session;
  });

  afterAll(async () => {
    await ctx?.close();
  });

  describe('GET /.well-known/jwks.json', () => {
    it('publishes the public ES256 key only, cacheable, without a token', async () => {
      const res = await ctx.app.get('/.well-known/jwks.json');

      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=300');
      expect(res.body.keys).toHaveLength(1);
      const [key] = res.body.keys;
      expect(key).toEqual({
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: expect.any(String),
        alg: 'ES256',
        use: 'sig',
      });
      expect(key.d).toBeUndefined();
    });
  });

  describe('GET /auth/me', () => {
    it('answers who the access token belongs to', async () => {
      const res = await ctx.app.get('/auth/me', { token: member.accessToken });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: member.user.id, email: member.user.email, role: 'MEMBER' });
    });

    it('answers 401 problem+json without a token, or with a header that is not a bearer token', async () => {
      expectProblem(await ctx.app.get('/auth/me'), 401, 'UNAUTHENTICATED');
      expectProblem(
        await ctx.app.get('/auth/me', { headers: { authorization: `Basic ${member.accessToken}` } }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it("refuses every forgery of the kit's TestTokenIssuer (a key auth-service never trusted)", async () => {
      const issuer = await TestTokenIssuer.create();
      try {
        const forgeries = {
          ...(await issuer.forgeries(member.user.id)),
          wellFormedButForeign: await issuer.user(member.user.id, 'ADMIN'),
        };
        for (const [name, token] of Object.entries(forgeries)) {
          const res = await ctx.app.get('/auth/me', { token });
          expect({ name, status: res.status, code: res.body?.code }).toEqual({
            name,
            status: 401,
            code: 'UNAUTHENTICATED',
          });
        }
      } finally {
        await issuer.close();
      }
    });

    it('refuses tokens that carry its own kid and claims but are wrong in one way each', async () => {
      const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: 'cowork-auth',
        aud: 'cowork-api',
        sub: member.user.id,
        role: 'ADMIN',
        token_use: 'access',
        jti: randomUUID(),
        iat: now,
        exp: now + 900,
      };
      const kid = jwks.keys[0]!.kid!;
      const publicPem = createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
      const hsInput = `${header({ alg: 'HS256', typ: 'JWT', kid })}.${header(claims)}`;
      const { privateKey: otherKey } = await generateKeyPair('ES256');
      const [h, , s] = member.accessToken.split('.');

      const forgeries: Record<string, string> = {
        signedByAnotherKeyWithOurKid: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid })
          .sign(otherKey),
        algNone: `${header({ alg: 'none', typ: 'JWT', kid })}.${header(claims)}.`,
        hs256WithOurPublicKey: `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`,
        roleEscalatedPayload: `${h}.${header({ ...decodeJwt(member.accessToken), role: 'ADMIN' })}.${s}`,
        expired: await signWithServiceKey({ token_use: 'access', role: 'MEMBER' }, { exp: now - 60, iat: now - 960 }),
        wrongIssuer: await signWithServiceKey({ token_use: 'access', role: 'MEMBER' }, { iss: 'https://evil.example' }),
        wrongAudience: await signWithServiceKey({ token_use: 'access', role: 'MEMBER' }, { aud: 'someone-else' }),
        unknownRole: await signWithServiceKey({ token_use: 'access', role: 'ROOT' }),
        noTokenUse: await signWithServiceKey({ role: 'MEMBER' }),
      };
      for (const [name, token] of Object.entries(forgeries)) {
        const res = await ctx.app.get('/auth/me', { token });
        expect({ name, status: res.status, code: res.body?.code }).toEqual({
          name,
          status: 401,
          code: 'UNAUTHENTICATED',
        });
      }
      // the control: the same helper with nothing wrong is accepted
      const valid = await signWithServiceKey({ token_use: 'access', role: 'MEMBER' });
      expect((await ctx.app.get('/auth/me', { token: valid })).status).toBe(200);
    });

    it('refuses a service token (users only) with 403', async () => {
      const { accessToken } = (await serviceToken()).body;

      expectProblem(await ctx.app.get('/auth/me', { token: accessToken }), 403, 'FORBIDDEN');
    });
  });

  describe('POST /auth/service-token', () => {
    it('issues a configured client a short-lived service token', async () => {
      const res = await serviceToken();

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 300 });
      const { payload, protectedHeader } = await jwtVerify(res.body.accessToken, createLocalJWKSet(jwks), {
        algorithms: ['ES256'],
        issuer: 'cowork-auth',
        audience: 'cowork-api',
      });
      expect(protectedHeader.kid).toBe(jwks.keys[0]!.kid);
      expect(payload).toMatchObject({ sub: SERVICE_CLIENT.clientId, token_use: 'service', jti: expect.any(String) });
      expect(payload.role).toBeUndefined();
      expect(payload.exp! - payload.iat!).toBe(300);
    });

    it('answers a wrong secret and an unknown client alike: 401 INVALID_CLIENT', async () => {
      const wrongSecret = await serviceToken({ ...SERVICE_CLIENT, clientSecret: 'not-the-secret-at-all' });
      const unknownClient = await serviceToken({
        clientId: 'payment-service',
        clientSecret: SERVICE_CLIENT.clientSecret,
      });

      expectProblem(wrongSecret, 401, 'INVALID_CLIENT');
      expectProblem(unknownClient, 401, 'INVALID_CLIENT');
      expect(unknownClient.body.detail).toBe(wrongSecret.body.detail);
    });

    it('answers 400 when the client id or secret is missing', async () => {
      const res = await ctx.app.post('/auth/service-token', { body: { clientId: SERVICE_CLIENT.clientId } });

      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['clientSecret']);
    });
  });

  describe('POST /internal/users/:id/revoke-sessions', () => {
    it('with a service token revokes every refresh token of the user, and only theirs', async () => {
      const { account, session } = await ctx.registered();
      const secondLogin = (await ctx.login(account)).body;
      const bystander = (await ctx.registered()).session;
      const { accessToken } = (await serviceToken()).body;

      const res = await ctx.app.post(`/internal/users/${session.user.id}/revoke-sessions`, { token: accessToken });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ revoked: 2 });
      expectProblem(await ctx.refresh(session.refreshToken), 401);
      expectProblem(await ctx.refresh(secondLogin.refreshToken), 401);
      expect((await ctx.refresh(bystander.refreshToken)).status).toBe(200);
      const again = await ctx.app.post(`/internal/users/${session.user.id}/revoke-sessions`, { token: accessToken });
      expect(again.body).toEqual({ revoked: 0 });
    });

    it('refuses a user token with 403 and an anonymous call with 401, revoking nothing', async () => {
      const { session } = await ctx.registered();
      const url = `/internal/users/${session.user.id}/revoke-sessions`;

      expectProblem(await ctx.app.post(url, { token: session.accessToken }), 403, 'FORBIDDEN');
      expectProblem(await ctx.app.post(url), 401, 'UNAUTHENTICATED');
      expect((await ctx.refresh(session.refreshToken)).status).toBe(200);
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const { accessToken } = (await serviceToken()).body;

      expectProblem(await ctx.app.post('/internal/users/not-a-uuid/revoke-sessions', { token: accessToken }), 400);
    });
  });
});
