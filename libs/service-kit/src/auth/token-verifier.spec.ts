import { jest } from '@jest/globals';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { BaseServiceConfig, loadConfig } from '../config/service-config.js';
import { AuthenticationRequiredError } from '../errors/domain-error.js';
import { TestTokenIssuer } from '../testing/test-tokens.js';
import { remoteJwks, TokenVerifier } from './token-verifier.js';

/** auth-service's JWKS endpoint, whose key set the test rotates; counts how often it is fetched. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  url = '';
  private readonly server: Server = createServer((_req, res) => {
    this.fetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: this.keys }));
  });

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let jwks: JwksServer;
let current: TestTokenIssuer;
let next: TestTokenIssuer;

beforeAll(async () => {
  jwks = new JwksServer();
  await jwks.listen();
  [current, next] = await Promise.all([TestTokenIssuer.create(), TestTokenIssuer.create()]);
});

afterAll(async () => {
  await jwks?.close();
  await current?.close();
  await next?.close();
});

afterEach(() => jest.restoreAllMocks());

/** A verifier exactly as AuthModule builds it by default: remote JWKS from config. */
function verifierFor(url: string): TokenVerifier {
  const config = loadConfig(BaseServiceConfig, { PORT: '0', AUTH_JWKS_URL: url, DOWNSTREAM_TIMEOUT_MS: '500' });
  return new TokenVerifier(config, remoteJwks(config));
}

/** Moves the clock jose reads its cache and cooldown timestamps from. */
function advanceClock(ms: number): void {
  const realNow = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + ms);
}

async function refusal(promise: Promise<unknown>): Promise<AuthenticationRequiredError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationRequiredError);
  expect((error as AuthenticationRequiredError).status).toBe(401);
  return error as AuthenticationRequiredError;
}

describe('TokenVerifier', () => {
  it('turns a user access token into a user principal and a service token into a service principal', async () => {
    const verifier = verifierFor(current.jwksUrl);
    expect(await verifier.verify(await current.user('user-1', 'ADMIN'))).toEqual({
      kind: 'user',
      userId: 'user-1',
      role: 'ADMIN',
      tokenId: expect.any(String),
    });
    expect(await verifier.verify(await current.service('booking-service'))).toEqual({
      kind: 'service',
      clientId: 'booking-service',
      tokenId: expect.any(String),
    });
  });

  it('refuses a validly signed token that is not an access token or carries an unknown role', async () => {
    const verifier = verifierFor(current.jwksUrl);
    for (const claims of [{ token_use: 'refresh' }, { token_use: 'access', role: 'ROOT' }, { token_use: 'access' }]) {
      const error = await refusal(verifier.verify(await current.sign(claims, 'user-1')));
      expect(error.message).toBe('The token is not an access token');
    }
  });

  it.each([
    ['expired', /has expired/],
    ['otherKey', /signature is not valid/],
    ['algNone', /algorithm that is not accepted/],
    ['hs256WithPublicKey', /algorithm that is not accepted/],
    ['wrongAudience', /aud claim/],
    ['wrongIssuer', /iss claim/],
    ['garbage', /not valid/],
  ])('refuses the %s forgery, saying why', async (name, why) => {
    const verifier = verifierFor(current.jwksUrl);
    const forgeries = await current.forgeries('user-1');
    expect(forgeries[name]).toBeDefined();
    const error = await refusal(verifier.verify(forgeries[name]!));
    expect(error.message).toMatch(why);
  });

  it('accepts a token signed with a rotated-in key (unknown kid) after refetching the key set', async () => {
    jwks.keys = [current.publicJwk];
    jwks.fetches = 0;
    const verifier = verifierFor(jwks.url);
    await expect(verifier.verify(await current.user('user-1'))).resolves.toMatchObject({ userId: 'user-1' });
    expect(jwks.fetches).toBe(1);

    // auth-service rotates: the set now holds only the new key
    jwks.keys = [next.publicJwk];
    const rotated = await next.user('user-2');
    // right after a fetch, an unknown kid does not trigger another one (jose's 30 s cooldown protects auth-service)
    await refusal(verifier.verify(rotated));
    expect(jwks.fetches).toBe(1);

    advanceClock(31_000);
    await expect(verifier.verify(rotated)).resolves.toMatchObject({ kind: 'user', userId: 'user-2' });
    expect(jwks.fetches).toBe(2);
    // the retired key is gone with the old set
    await refusal(verifier.verify(await current.user('user-1')));
    expect(jwks.fetches).toBe(2);
  });

  it('keeps using the cached key set for known keys and refetches it once it is older than ten minutes', async () => {
    jwks.keys = [current.publicJwk];
    jwks.fetches = 0;
    const verifier = verifierFor(jwks.url);
    for (let i = 0; i < 3; i++) await verifier.verify(await current.user('user-1'));
    expect(jwks.fetches).toBe(1);

    advanceClock(11 * 60_000);
    await verifier.verify(await current.user('user-1'));
    expect(jwks.fetches).toBe(2);
  });

  it('checks a token once and answers it from memory until it expires; never remembers a refusal', async () => {
    jwks.keys = [current.publicJwk];
    const config = loadConfig(BaseServiceConfig, { PORT: '0', AUTH_JWKS_URL: jwks.url });
    const keys = remoteJwks(config);
    let keyLookups = 0;
    const verifier = new TokenVerifier(config, (...args) => (keyLookups++, keys(...args)));
    const token = await current.service('booking-service');
    for (let i = 0; i < 5; i++)
      await expect(verifier.verify(token)).resolves.toMatchObject({ clientId: 'booking-service' });
    expect(keyLookups).toBe(1);

    const { otherKey: forged } = await current.forgeries('user-1');
    await refusal(verifier.verify(forged));
    await refusal(verifier.verify(forged));
    expect(keyLookups).toBeGreaterThanOrEqual(3);

    advanceClock(25 * 3_600_000); // past the token's expiry: checked afresh
    const before = keyLookups;
    await verifier.verify(token).catch(() => undefined);
    expect(keyLookups).toBe(before + 1);
  });

  it('answers 401, not a crash, when the key set cannot be fetched', async () => {
    const down = new JwksServer();
    await down.listen();
    const url = down.url;
    await down.close();
    const error = await refusal(verifierFor(url).verify(await current.user('user-1')));
    expect(error.message).toMatch(/could not be verified|not valid/);
  });
});
