import { ConfigurationError, loadConfig } from '@cowork/service-kit';
import { undocumentedVariables } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { BookingServiceConfig } from '../src/config.js';

describe('booking-service configuration', () => {
  it('documents every variable it reads in .env.example', () => {
    const file = fileURLToPath(new URL('../.env.example', import.meta.url));
    expect(undocumentedVariables(BookingServiceConfig, file)).toEqual([]);
  });

  it('starts from defaults alone, with user-service and workspace-service on their development ports', () => {
    const config = loadConfig(BookingServiceConfig, {});
    expect(config.PORT).toBe(3003);
    expect(config.USER_SERVICE_URL).toBe('http://localhost:3001');
    expect(config.WORKSPACE_SERVICE_URL).toBe('http://localhost:3002');
    expect(config.PAYMENT_SERVICE_URL).toBe('http://localhost:3004');
  });

  it('holds an unpaid booking 15 min, refunds in full up to 24 h before the start, sweeps every 15 s by default', () => {
    const config = loadConfig(BookingServiceConfig, {});
    expect(config).toMatchObject({
      BOOKING_HOLD_SECONDS: 900,
      CANCELLATION_FULL_REFUND_HOURS: 24,
      SWEEP_INTERVAL_MS: 15000,
    });
  });

  it('takes the payment settings from the environment', () => {
    const config = loadConfig(BookingServiceConfig, {
      PAYMENT_SERVICE_URL: 'http://payment-service:3004',
      BOOKING_HOLD_SECONDS: '5',
      CANCELLATION_FULL_REFUND_HOURS: '48',
      SWEEP_INTERVAL_MS: '0',
    });
    expect(config).toMatchObject({
      PAYMENT_SERVICE_URL: 'http://payment-service:3004',
      BOOKING_HOLD_SECONDS: 5,
      CANCELLATION_FULL_REFUND_HOURS: 48,
      SWEEP_INTERVAL_MS: 0,
    });
  });

  it('refuses a hold shorter than 5 s, a negative refund window or sweep interval, and a bad payment URL', () => {
    const env = {
      BOOKING_HOLD_SECONDS: '4',
      CANCELLATION_FULL_REFUND_HOURS: '-1',
      SWEEP_INTERVAL_MS: '-5',
      PAYMENT_SERVICE_URL: 'payments',
    };
    try {
      loadConfig(BookingServiceConfig, env);
      throw new Error('expected a ConfigurationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).problems.map((p) => p.split(/[=\s]/)[0]).sort()).toEqual([
        'BOOKING_HOLD_SECONDS',
        'CANCELLATION_FULL_REFUND_HOURS',
        'PAYMENT_SERVICE_URL',
        'SWEEP_INTERVAL_MS',
      ]);
    }
  });

  it('takes the downstream URLs and client settings from the environment', () => {
    const config = loadConfig(BookingServiceConfig, {
      USER_SERVICE_URL: 'http://user-service:3001',
      WORKSPACE_SERVICE_URL: 'https://workspaces.internal',
      DOWNSTREAM_TIMEOUT_MS: '300',
      CIRCUIT_BREAKER_THRESHOLD: '3',
    });
    expect(config).toMatchObject({
      USER_SERVICE_URL: 'http://user-service:3001',
      WORKSPACE_SERVICE_URL: 'https://workspaces.internal',
      DOWNSTREAM_TIMEOUT_MS: 300,
      CIRCUIT_BREAKER_THRESHOLD: 3,
    });
  });

  it('refuses malformed variables, naming each', () => {
    const env = { PORT: 'eighty', USER_SERVICE_URL: 'user-service:3001', WORKSPACE_SERVICE_URL: 'not a url' };
    expect(() => loadConfig(BookingServiceConfig, env)).toThrow(ConfigurationError);
    try {
      loadConfig(BookingServiceConfig, env);
    } catch (error) {
      expect((error as ConfigurationError).problems.map((p) => p.split(/[=\s]/)[0]).sort()).toEqual([
        'PORT',
        'USER_SERVICE_URL',
        'WORKSPACE_SERVICE_URL',
      ]);
    }
  });
});
