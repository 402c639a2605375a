import { ConfigurationError, loadConfig } from '@cowork/service-kit';
import { undocumentedVariables } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { AuthServiceConfig } from '../src/config.js';

describe('auth-service configuration', () => {
  it('documents every variable it reads in .env.example', () => {
    const file = fileURLToPath(new URL('../.env.example', import.meta.url));
    expect(undocumentedVariables(AuthServiceConfig, file)).toEqual([]);
  });

  it('starts from defaults alone', () => {
    expect(loadConfig(AuthServiceConfig, {}).PORT).toBe(3000);
  });

  it('purges every 10 minutes, keeping ended logins 7 days, unless told otherwise; PURGE_INTERVAL_MS=0 turns it off', () => {
    expect(loadConfig(AuthServiceConfig, {})).toMatchObject({
      PURGE_INTERVAL_MS: 600_000,
      REFRESH_TOKEN_RETENTION_DAYS: 7,
    });
    expect(loadConfig(AuthServiceConfig, { PURGE_INTERVAL_MS: '0' }).PURGE_INTERVAL_MS).toBe(0);
  });

  it('refuses a negative purge interval and a retention under a day', () => {
    expect(() => loadConfig(AuthServiceConfig, { PURGE_INTERVAL_MS: '-1' })).toThrow(/PURGE_INTERVAL_MS/);
    expect(() => loadConfig(AuthServiceConfig, { REFRESH_TOKEN_RETENTION_DAYS: '0' })).toThrow(
      /REFRESH_TOKEN_RETENTION_DAYS/,
    );
  });

  it('refuses a malformed variable, naming it', () => {
    expect(() => loadConfig(AuthServiceConfig, { PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(
      ConfigurationError,
    );
    try {
      loadConfig(AuthServiceConfig, { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
  });
});

describe('auth-service secrets in configuration', () => {
  it('rejects a service client whose secret is too short, without echoing the secret', () => {
    expect(() => loadConfig(AuthServiceConfig, { SERVICE_CLIENTS: 'booking-service:short' })).toThrow(
      /SERVICE_CLIENTS/,
    );
    expect(() => loadConfig(AuthServiceConfig, { SERVICE_CLIENTS: 'booking-service:short' })).not.toThrow(/short/);
  });
});
