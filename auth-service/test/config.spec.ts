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
