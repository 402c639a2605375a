import { ConfigurationError, loadConfig } from '@cowork/service-kit';
import { undocumentedVariables } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { ReportingServiceConfig } from '../src/config.js';

describe('reporting-service configuration', () => {
  it('documents every variable it reads in .env.example', () => {
    const file = fileURLToPath(new URL('../.env.example', import.meta.url));
    expect(undocumentedVariables(ReportingServiceConfig, file)).toEqual([]);
  });

  it('starts from defaults alone', () => {
    expect(loadConfig(ReportingServiceConfig, {})).toMatchObject({
      PORT: 3006,
      REPORT_MAX_RANGE_DAYS: 366,
      REPORT_MAX_STORED_RANGE_DAYS: 3660,
      REPORT_GENERATION_INTERVAL_MS: 500,
      REPORT_BATCH_SIZE: 1000,
      REPORT_LEASE_MS: 60_000,
    });
  });

  it('lets REPORT_GENERATION_INTERVAL_MS be 0 (the generator off)', () => {
    expect(
      loadConfig(ReportingServiceConfig, { REPORT_GENERATION_INTERVAL_MS: '0' }).REPORT_GENERATION_INTERVAL_MS,
    ).toBe(0);
  });

  it('refuses malformed variables, naming each', () => {
    const bad = {
      PORT: 'eighty',
      REPORT_MAX_RANGE_DAYS: '0',
      REPORT_GENERATION_INTERVAL_MS: '-1',
      REPORT_BATCH_SIZE: 'lots',
      REPORT_LEASE_MS: '10',
    };
    let error: unknown;
    try {
      loadConfig(ReportingServiceConfig, bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    for (const name of Object.keys(bad)) expect((error as Error).message).toMatch(name);
  });

  it('refuses a stored-report limit below the live one, naming both', () => {
    expect(() =>
      loadConfig(ReportingServiceConfig, { REPORT_MAX_RANGE_DAYS: '400', REPORT_MAX_STORED_RANGE_DAYS: '100' }),
    ).toThrow(/REPORT_MAX_STORED_RANGE_DAYS must be at least REPORT_MAX_RANGE_DAYS/);
  });
});
