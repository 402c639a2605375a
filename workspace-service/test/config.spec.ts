import { ConfigurationError, loadConfig } from '@cowork/service-kit';
import { undocumentedVariables } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { WorkspaceServiceConfig } from '../src/config.js';

describe('workspace-service configuration', () => {
  it('documents every variable it reads in .env.example', () => {
    const file = fileURLToPath(new URL('../.env.example', import.meta.url));
    expect(undocumentedVariables(WorkspaceServiceConfig, file)).toEqual([]);
  });

  it('starts from defaults alone', () => {
    expect(loadConfig(WorkspaceServiceConfig, {}).PORT).toBe(3002);
  });

  it('refuses a malformed variable, naming it', () => {
    expect(() => loadConfig(WorkspaceServiceConfig, { PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(
      ConfigurationError,
    );
    try {
      loadConfig(WorkspaceServiceConfig, { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
  });
});
