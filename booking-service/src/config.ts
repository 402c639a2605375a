import { BaseServiceConfig } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';

export class BookingServiceConfig extends BaseServiceConfig {
  override PORT = 3003;

  @IsUrl({ require_tld: false, require_protocol: true })
  USER_SERVICE_URL = 'http://localhost:3001';

  @IsUrl({ require_tld: false, require_protocol: true })
  WORKSPACE_SERVICE_URL = 'http://localhost:3002';

  @IsUrl({ require_tld: false, require_protocol: true })
  PAYMENT_SERVICE_URL = 'http://localhost:3004';

  /** How long a PENDING booking holds its slot while its charge has not settled (default 15 min). */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(24 * 3600)
  BOOKING_HOLD_SECONDS = 900;

  /** Cancelling at least this many hours before the start refunds in full; later, nothing. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(24 * 365)
  CANCELLATION_FULL_REFUND_HOURS = 24;

  /** How often the sweeper settles expired holds and owed refunds; 0 turns it off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SWEEP_INTERVAL_MS = 15000;
}
