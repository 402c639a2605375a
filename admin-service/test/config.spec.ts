import { ConfigurationError, loadConfig } from '@cowork/service-kit';
import { undocumentedVariables } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { AdminServiceConfig, auditSources } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(AdminServiceConfig, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }
  throw new Error('expected a ConfigurationError');
}

describe('admin-service configuration', () => {
  it('documents every variable it reads in .env.example', () => {
    const file = fileURLToPath(new URL('../.env.example', import.meta.url));
    expect(undocumentedVariables(AdminServiceConfig, file)).toEqual([]);
  });

  it('starts from defaults alone, with every downstream on its development port', () => {
    const config = loadConfig(AdminServiceConfig, {});
    expect(config).toMatchObject({
      PORT: 3007,
      USER_SERVICE_URL: 'http://localhost:3001',
      AUTH_SERVICE_URL: 'http://localhost:3000',
      WORKSPACE_SERVICE_URL: 'http://localhost:3002',
      BOOKING_SERVICE_URL: 'http://localhost:3003',
      REPORTING_SERVICE_URL: 'http://localhost:3006',
      AUDIT_POLL_INTERVAL_MS: 2000,
      AUDIT_PAGE_SIZE: 100,
    });
    expect(auditSources(config)).toEqual([
      { name: 'user-service', baseUrl: 'http://localhost:3001' },
      { name: 'workspace-service', baseUrl: 'http://localhost:3002' },
      { name: 'booking-service', baseUrl: 'http://localhost:3003' },
      { name: 'reporting-service', baseUrl: 'http://localhost:3006' },
    ]);
  });

  it('reads AUDIT_SOURCES as name=url pairs, and lets AUDIT_POLL_INTERVAL_MS be 0 (collector off)', () => {
    const config = loadConfig(AdminServiceConfig, {
      AUDIT_SOURCES: 'user-service=http://users:3001, booking-service=https://bookings.internal',
      AUDIT_POLL_INTERVAL_MS: '0',
    });
    expect(auditSources(config)).toEqual([
      { name: 'user-service', baseUrl: 'http://users:3001' },
      { name: 'booking-service', baseUrl: 'https://bookings.internal' },
    ]);
    expect(config.AUDIT_POLL_INTERVAL_MS).toBe(0);
  });

  it('refuses malformed variables, naming each', () => {
    const bad = {
      PORT: 'eighty',
      USER_SERVICE_URL: 'users',
      BOOKING_SERVICE_URL: 'localhost:3003',
      REPORTING_SERVICE_URL: 'ftp//x',
      WORKSPACE_SERVICE_URL: 'nope',
      AUDIT_SOURCES: 'user-service',
      AUDIT_POLL_INTERVAL_MS: '-1',
      AUDIT_PAGE_SIZE: '501',
    };
    const named = problemsOf(bad).map((p) => p.split(/[=\s]/)[0]);
    expect(named.sort()).toEqual(Object.keys(bad).sort());
  });

  it.each([
    ['a repeated source name', 'user-service=http://a:1,user-service=http://b:2'],
    ['its own name as a source', 'admin-service=http://localhost:3007'],
  ])('refuses AUDIT_SOURCES with %s', (_what, sources) => {
    expect(problemsOf({ AUDIT_SOURCES: sources })).toEqual([
      expect.stringMatching(/^AUDIT_SOURCES=.*names must be distinct and must not be admin-service/),
    ]);
  });
});
