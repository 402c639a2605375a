import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { AuthServiceConfig } from '../config.js';
import { SigningKeyError, SigningKeys } from './signing-keys.js';

describe('SigningKeys.load', () => {
  let dataDir: string;
  const config = (overrides: Partial<AuthServiceConfig>) =>
    Object.assign(new AuthServiceConfig(), { DATA_DIR: dataDir, ...overrides });
  const keyFile = () => join(dataDir, 'auth-service', 'jwt-signing-key.pem');

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to start in production without JWT_PRIVATE_KEY, and writes no key', async () => {
    await expect(SigningKeys.load(config({ NODE_ENV: 'production' }))).rejects.toThrow(SigningKeyError);
    await expect(SigningKeys.load(config({ NODE_ENV: 'production' }))).rejects.toThrow(/JWT_PRIVATE_KEY is required/);
    expect(existsSync(keyFile())).toBe(false);
  });

  it('in production uses the given key, whose kid is its JWK thumbprint', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });

    const keys = await SigningKeys.load(
      config({ NODE_ENV: 'production', JWT_PRIVATE_KEY: await exportPKCS8(privateKey) }),
    );

    expect(keys.kid).toBe(await calculateJwkThumbprint(await exportJWK(publicKey)));
    expect(keys.jwks).toEqual({ keys: [{ ...(await exportJWK(publicKey)), kid: keys.kid, alg: 'ES256', use: 'sig' }] });
    expect(existsSync(keyFile())).toBe(false);
  });

  it('in development generates a key once into DATA_DIR and loads the same one next time', async () => {
    const first = await SigningKeys.load(config({ NODE_ENV: 'development' }));
    const pem = readFileSync(keyFile(), 'utf8');

    const second = await SigningKeys.load(config({ NODE_ENV: 'development' }));

    expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(second.kid).toBe(first.kid);
    expect(readFileSync(keyFile(), 'utf8')).toBe(pem);
  });

  it('publishes no private part of the key', async () => {
    const keys = await SigningKeys.load(config({ NODE_ENV: 'test' }));

    expect(Object.keys(keys.jwks.keys[0]!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it('refuses a key that is not an ES256 (P-256) key', async () => {
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });

    await expect(SigningKeys.load(config({ JWT_PRIVATE_KEY: await exportPKCS8(privateKey) }))).rejects.toThrow();
  });
});
