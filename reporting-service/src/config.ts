import { BaseServiceConfig } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import { IsInt, Max, Min, ValidateBy } from 'class-validator';

export class ReportingServiceConfig extends BaseServiceConfig {
  override PORT = 3006;

  /** The longest range the live report endpoints (GET /reports/summary, occupancy, revenue) accept. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3660)
  REPORT_MAX_RANGE_DAYS = 366;

  /** The longest range a stored report (POST /reports, generated in the background) may cover. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(36600)
  // a stored report is the way to ask for more than the live endpoints allow, never for less
  @ValidateBy({
    name: 'notBelowLiveRange',
    validator: {
      validate: (value, args) =>
        typeof value !== 'number' || value >= (args?.object as ReportingServiceConfig).REPORT_MAX_RANGE_DAYS,
      defaultMessage: () => 'REPORT_MAX_STORED_RANGE_DAYS must be at least REPORT_MAX_RANGE_DAYS',
    },
  })
  REPORT_MAX_STORED_RANGE_DAYS = 3660;

  /** How often the background generator looks for PENDING reports (ms); 0 turns it off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  REPORT_GENERATION_INTERVAL_MS = 500;

  /** Rows the generator reads per query (keyset pages): what one report holds in memory at a time. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(50_000)
  REPORT_BATCH_SIZE = 1000;

  /**
   * How long a generator's claim on a report lasts without news (ms). It is renewed with every
   * chunk written; a claim that runs out (its process died) is taken over by the next pass.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  REPORT_LEASE_MS = 60_000;
}
