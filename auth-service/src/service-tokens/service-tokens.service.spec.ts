import { createLocalJWKSet, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { InvalidClientCredentialsError } from '../auth/auth.errors.js';
import { AuthServiceConfig } from '../config.js';
import { SigningKeys } from '../keys/signing-keys.js';
import { TokenIssuer } from '../keys/token-issuer.js';
import { ServiceTokensService } from './service-tokens.service.js';

describe('ServiceTokensService', () => {
  const secret = 'booking-secret-0123456789';
  let sut: ServiceTokensService;
  let keys: SigningKeys;

  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const config = Object.assign(new AuthServiceConfig(), {
      JWT_PRIVATE_KEY: await exportPKCS8(privateKey),
      SERVICE_CLIENTS: [`booking-service:${secret}`, 'reporting-service:with:colons-in-the-secret'],
    });
    keys = await SigningKeys.load(config);
    sut = new ServiceTokensService(config, new TokenIssuer(keys, config));
  });

  it('issues a configured client a service token for its own id', async () => {
    const issued = await sut.issue('booking-service', secret);

    expect(issued).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 300 });
    const { payload } = await jwtVerify(issued.accessToken, createLocalJWKSet(keys.jwks), {
      algorithms: ['ES256'],
      issuer: 'cowork-auth',
      audience: 'cowork-api',
    });
    expect(payload).toMatchObject({ sub: 'booking-service', token_use: 'service' });
    expect(payload.role).toBeUndefined();
  });

  it('splits each entry at its first colon: the secret may contain colons', async () => {
    await expect(sut.issue('reporting-service', 'with:colons-in-the-secret')).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it.each([
    ['a wrong secret', 'booking-service', 'booking-secret-0123456780'],
    ['a prefix of the secret', 'booking-service', secret.slice(0, -1)],
    ['the secret with more after it', 'booking-service', `${secret}x`],
    ["another client's secret", 'reporting-service', secret],
    ['an unknown client', 'payment-service', secret],
    ['an unknown client with an empty secret', 'payment-service', ''],
    ['a client id that is a prefix of an entry', 'booking', secret],
  ])('refuses %s with INVALID_CLIENT', async (_, clientId, clientSecret) => {
    await expect(sut.issue(clientId, clientSecret)).rejects.toBeInstanceOf(InvalidClientCredentialsError);
  });
});
