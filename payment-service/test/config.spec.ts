import { ConfigurationError, loadConfig } from '@cowork/service-kit';
import { undocumentedVariables } from '@cowork/service-kit/testing';
import { fileURLToPath } from 'node:url';
import { PaymentServiceConfig } from '../src/config.js';

describe('payment-service configuration', () => {
  it('documents every variable it reads in .env.example', () => {
    const file = fileURLToPath(new URL('../.env.example', import.meta.url));
    expect(undocumentedVariables(PaymentServiceConfig, file)).toEqual([]);
  });

  it('starts from defaults alone', () => {
    const config = loadConfig(PaymentServiceConfig, {});
    expect(config).toMatchObject({
      PORT: 3004,
      PAYMENT_PROVIDER: 'simulated',
      SIMULATED_PROVIDER_LATENCY_MS: 50,
      IDEMPOTENCY_KEY_TTL_HOURS: 24,
      IDEMPOTENCY_LOCK_SECONDS: 30,
      RECOVERY_INTERVAL_MS: 10_000,
    });
  });

  it('lets RECOVERY_INTERVAL_MS be 0 (the recovery job off)', () => {
    expect(loadConfig(PaymentServiceConfig, { RECOVERY_INTERVAL_MS: '0' }).RECOVERY_INTERVAL_MS).toBe(0);
  });

  it('refuses malformed variables, naming each', () => {
    const bad = {
      PORT: 'eighty',
      PAYMENT_PROVIDER: 'stripe',
      SIMULATED_PROVIDER_LATENCY_MS: '-1',
      IDEMPOTENCY_KEY_TTL_HOURS: '12',
      IDEMPOTENCY_LOCK_SECONDS: 'soon',
      RECOVERY_INTERVAL_MS: '-1',
    };
    expect(() => loadConfig(PaymentServiceConfig, bad)).toThrow(ConfigurationError);
    try {
      loadConfig(PaymentServiceConfig, bad);
    } catch (error) {
      for (const name of Object.keys(bad)) expect((error as Error).message).toMatch(name);
    }
  });
});

describe('payment-service timing invariants', () => {
  it('refuses an idempotency lock shorter than the provider timeout, naming it', () => {
    expect(() =>
      loadConfig(PaymentServiceConfig, { IDEMPOTENCY_LOCK_SECONDS: '5', PROVIDER_TIMEOUT_MS: '10000' }),
    ).toThrow(/IDEMPOTENCY_LOCK_SECONDS must be longer than PROVIDER_TIMEOUT_MS/);
    expect(
      loadConfig(PaymentServiceConfig, { IDEMPOTENCY_LOCK_SECONDS: '11', PROVIDER_TIMEOUT_MS: '10000' })
        .IDEMPOTENCY_LOCK_SECONDS,
    ).toBe(11);
  });
});
