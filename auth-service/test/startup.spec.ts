import { describeOpenApiContract, DocumentedRoute } from '@cowork/service-kit/testing';
import { createPublicKey, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { AuthTestContext, sleep } from './support/auth-test-context.js';

const schemaFile = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));
const openApiFile = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** Every route the service serves, with every status it documents (400, 413 and 500 are global). */
const GLOBAL = [400, 413, 500];
const ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/health/live', responses: [200, ...GLOBAL], auth: false },
  { method: 'get', path: '/health/ready', responses: [200, ...GLOBAL, 503], auth: false },
  { method: 'get', path: '/metrics', responses: [200, ...GLOBAL], auth: false },
  { method: 'get', path: '/.well-known/jwks.json', responses: [200, ...GLOBAL], auth: false },
  { method: 'post', path: '/auth/register', responses: [201, ...GLOBAL, 409, 503], auth: false, ok: 'AuthSessionDto' },
  {
    method: 'post',
    path: '/auth/login',
    responses: [200, ...GLOBAL, 401, 429, 503],
    auth: false,
    ok: 'AuthSessionDto',
  },
  { method: 'post', path: '/auth/refresh', responses: [200, ...GLOBAL, 401, 503], auth: false, ok: 'AuthSessionDto' },
  { method: 'post', path: '/auth/logout', responses: [204, ...GLOBAL], auth: false },
  { method: 'get', path: '/auth/me', responses: [200, ...GLOBAL, 401, 403], auth: true, ok: 'MeDto' },
  { method: 'post', path: '/auth/service-token', responses: [200, ...GLOBAL, 401], auth: false, ok: 'ServiceTokenDto' },
  { method: 'post', path: '/internal/users/{id}/revoke-sessions', responses: [200, ...GLOBAL, 401, 403], auth: true },
];

/** Polls until `probe` returns something, or fails after `ms`. */
async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not there after ${ms} ms`);
    await sleep(50);
  }
}

/** What the app does as it starts: its database schema, API document, signing key and first admin. */
describe('start-up', () => {
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

  describe('drift', () => {
    it('the migrated database has everything prisma/schema.prisma declares', async () => {
      expect(await ctx.app.schemaDrift(schemaFile)).toEqual([]);
    });

    // no requireRetryNote: POST /auth/login does not say what a retry does
    describeOpenApiContract(() => ctx.app, ROUTES, { openApiFile });
  });

  describe('signing keys', () => {
    const keyFile = () => join(ctx.dataDir, 'auth-service', 'jwt-signing-key.pem');
    const servedKid = async () => (await ctx.app.get('/.well-known/jwks.json')).body.keys[0].kid as string;
    const thumbprintOf = async (pem: string) => calculateJwkThumbprint(await exportJWK(createPublicKey(pem)));

    it('without JWT_PRIVATE_KEY a key is generated once under DATA_DIR/auth-service and kept across restarts', async () => {
      expect(existsSync(keyFile())).toBe(true);
      const pem = readFileSync(keyFile(), 'utf8');
      expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
      const kid = await servedKid();
      expect(kid).toBe(await thumbprintOf(pem));
      const { session } = await ctx.registered();

      await ctx.restart();

      expect(readFileSync(keyFile(), 'utf8')).toBe(pem);
      expect(await servedKid()).toBe(kid);
      // a token signed before the restart is still good
      expect((await ctx.app.get('/auth/me', { token: session.accessToken })).status).toBe(200);
    });

    it("with JWT_PRIVATE_KEY that key signs and its kid is served; the old key's tokens stop working", async () => {
      const before = await ctx.registered();
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const pem = await exportPKCS8(privateKey);

      await ctx.restart({ JWT_PRIVATE_KEY: pem });

      const kid = await servedKid();
      expect(kid).toBe(await thumbprintOf(pem));
      expect(kid).not.toBe(await thumbprintOf(readFileSync(keyFile(), 'utf8')));
      expect((await ctx.app.get('/auth/me', { token: before.session.accessToken })).status).toBe(401);
      const login = await ctx.login(before.account);
      expect(login.status).toBe(200);
      expect((await ctx.app.get('/auth/me', { token: login.body.accessToken })).status).toBe(200);
    });
  });

  describe('first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
    const password = 'admin-password-for-tests';
    const adminEmail = () => `Admin-${randomUUID().slice(0, 8)}@Example.com`;
    const posts = () => ctx.stub.requests.filter((r) => r.method === 'POST').length;

    it('is not created without ADMIN_PASSWORD', async () => {
      const email = adminEmail();
      const before = posts();

      await ctx.restart({ ADMIN_EMAIL: email });
      await sleep(300);

      expect(posts()).toBe(before);
      expect(await ctx.credentialCount(email)).toBe(0);
    });

    it('is created through user-service with role ADMIN, logs in as ADMIN, and is created only once', async () => {
      const email = adminEmail();

      await ctx.restart({ ADMIN_EMAIL: email, ADMIN_PASSWORD: password });

      const profile = await eventually(() => ctx.stub.profileByEmail(email.toLowerCase()));
      expect(profile).toMatchObject({ role: 'ADMIN', fullName: 'Platform Admin', status: 'ACTIVE' });
      await eventually(async () => ((await ctx.credentialCount(email)) === 1 ? true : undefined));
      const login = await ctx.login({ email, password });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ id: profile.id, role: 'ADMIN' });
      expect((await ctx.app.get('/auth/me', { token: login.body.accessToken })).body.role).toBe('ADMIN');

      const before = posts();
      await ctx.restart({ ADMIN_EMAIL: email, ADMIN_PASSWORD: password });
      await sleep(300);

      expect(posts()).toBe(before);
      expect([...ctx.stub.profiles.values()].filter((p) => p.email === email.toLowerCase())).toHaveLength(1);
      expect(await ctx.credentialCount(email)).toBe(1);
      expect((await ctx.login({ email, password })).status).toBe(200);
    });

    it('keeps trying in the background while user-service is not up yet, without holding up start-up', async () => {
      const email = adminEmail();
      await ctx.stub.stop();

      await ctx.restart({ ADMIN_EMAIL: email, ADMIN_PASSWORD: password });
      expect((await ctx.app.get('/health/ready')).status).toBe(200);
      await sleep(300);
      await ctx.healStub();

      await eventually(() => ctx.stub.profileByEmail(email.toLowerCase()), 8000);
      await eventually(async () => ((await ctx.login({ email, password })).status === 200 ? true : undefined));
    });
  });
});
