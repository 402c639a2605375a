import { BaseServiceConfig } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min, ValidateBy } from 'class-validator';

/** The payment providers this build can talk to; a real one is one adapter class and one entry here. */
export const PAYMENT_PROVIDERS = ['simulated'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

export class PaymentServiceConfig extends BaseServiceConfig {
  override PORT = 3004;

  /** Which PaymentProvider adapter is bound; only the built-in simulated one so far. */
  @IsIn(PAYMENT_PROVIDERS)
  PAYMENT_PROVIDER: PaymentProviderName = 'simulated';

  /** How long the simulated provider takes per call. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SIMULATED_PROVIDER_LATENCY_MS = 50;

  /** A provider call that takes longer is abandoned and answered 503 (the provider is idempotent on our key). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  PROVIDER_TIMEOUT_MS = 10_000;

  /** How long an Idempotency-Key and its stored response are kept (at least 24 h). */
  @Type(() => Number)
  @IsInt()
  @Min(24)
  @Max(24 * 90)
  IDEMPOTENCY_KEY_TTL_HOURS = 24;

  /** How long a claimed key is held for the request working on it before a retry may take it over. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  // a claim must outlive the provider call it guards, or recovery could release a charge still landing
  @ValidateBy({
    name: 'outlivesProviderTimeout',
    validator: {
      validate: (value, args) =>
        typeof value !== 'number' || value * 1000 > (args?.object as PaymentServiceConfig).PROVIDER_TIMEOUT_MS,
      defaultMessage: () => 'IDEMPOTENCY_LOCK_SECONDS must be longer than PROVIDER_TIMEOUT_MS',
    },
  })
  IDEMPOTENCY_LOCK_SECONDS = 30;

  /**
   * How often the recovery job settles charges whose process died mid-way (claim left
   * IN_PROGRESS, lock expired): records what the provider charged, or frees the key. 0 turns it off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  RECOVERY_INTERVAL_MS = 10_000;
}
