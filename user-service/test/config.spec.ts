import { ConfigurationError, loadConfig } from '@cowork/service-kit';
import { undocumentedVariables } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { UserServiceConfig } from '../src/config.js';

describe('user-service configuration', () => {
  it('documents every variable it reads in .env.example', () => {
    const file = fileURLToPath(new URL('../.env.example', import.meta.url));
    expect(undocumentedVariables(UserServiceConfig, file)).toEqual([]);
  });

  it('starts from defaults alone', () => {
    expect(loadConfig(UserServiceConfig, {}).PORT).toBe(3001);
  });

  it('refuses a malformed variable, naming it', () => {
    expect(() => loadConfig(UserServiceConfig, { PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(
      ConfigurationError,
    );
    try {
      loadConfig(UserServiceConfig, { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
  });
});
