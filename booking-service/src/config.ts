import { BaseServiceConfig, EnvList } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import { IsInt, IsUrl, Matches, Max, Min, ValidateBy } from 'class-validator';

/** An EVENT_SUBSCRIBERS entry: `name=url`, e.g. `notification-service=http://localhost:3005`. */
export const SUBSCRIBER_ENTRY = /^([a-z][a-z0-9-]{0,63})=(https?:\/\/\S+)$/;

export class BookingServiceConfig extends BaseServiceConfig {
  override PORT = 3003;

  @IsUrl({ require_tld: false, require_protocol: true })
  USER_SERVICE_URL = 'http://localhost:3001';

  @IsUrl({ require_tld: false, require_protocol: true })
  WORKSPACE_SERVICE_URL = 'http://localhost:3002';

  @IsUrl({ require_tld: false, require_protocol: true })
  PAYMENT_SERVICE_URL = 'http://localhost:3004';

  /**
   * How long an ACTIVE verdict of user-service is reused for that user's next bookings (ms; 0: ask
   * every time). A user suspended meanwhile can still book for at most this long (a refusal is
   * never kept).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  USER_CACHE_MS = 5000;

  /**
   * How long a workspace read from workspace-service is reused (ms; 0: ask every time). A
   * workspace deactivated, or with new rules or a new price, is still seen as before for at most
   * this long (plus workspace-service's own CATALOGUE_CACHE_MS). A not-found is never kept.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  WORKSPACE_CACHE_MS = 5000;

  /** admin-service: the platform settings (cancellation window, hold expiry) admins change at run time. */
  @IsUrl({ require_tld: false, require_protocol: true })
  ADMIN_SERVICE_URL = 'http://localhost:3007';

  /** How often the settings are read from admin-service; 0: only the two variables below apply. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  SETTINGS_REFRESH_MS = 5000;

  /**
   * How long a PENDING booking holds its slot while its charge has not settled (default 15 min),
   * until admin-service's bookingHoldMinutes is read.
   */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(24 * 3600)
  BOOKING_HOLD_SECONDS = 900;

  /** Cancelling at least this many hours before the start refunds in full; later, nothing (until admin-service's setting is read). */
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

  /**
   * Who receives every event: comma-separated `name=url` (POST <url>/internal/events/batch with
   * a service token). Empty: events stay in the outbox undelivered.
   */
  @EnvList()
  @Matches(SUBSCRIBER_ENTRY, { each: true, message: 'each EVENT_SUBSCRIBERS entry must be name=http(s)://host:port' })
  EVENT_SUBSCRIBERS: string[] = [
    'notification-service=http://localhost:3005',
    'reporting-service=http://localhost:3006',
  ];

  /** How often the relay looks for due deliveries; 0 turns it off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  RELAY_INTERVAL_MS = 250;

  /**
   * Deliveries claimed per pass (a pass repeats while it claims any); each subscriber's share
   * goes out in one call (several when it is over 200 events, the most a call carries).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  RELAY_BATCH_SIZE = 200;

  /** Batch calls of one pass in flight at once (one per subscriber, unless a share is split). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  RELAY_CONCURRENCY = 8;

  /** Attempts before a delivery is parked as DEAD for an admin to re-drive. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  RELAY_MAX_ATTEMPTS = 15;

  /** Backoff after the first failure; doubles per attempt, with full jitter, up to RELAY_RETRY_MAX_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  RELAY_RETRY_BASE_MS = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(24 * 3_600_000)
  RELAY_RETRY_MAX_MS = 300_000;

  /**
   * How long a claimed delivery is reserved for the relay delivering it. It must outlast a
   * delivery attempt (DOWNSTREAM_TIMEOUT_MS), or a second relay could deliver the same row at once.
   */
  @Type(() => Number)
  @IsInt()
  @Max(3_600_000)
  @ValidateBy({
    name: 'outlivesDownstreamTimeout',
    validator: {
      validate: (value, args) =>
        typeof value !== 'number' || value > 2 * (args?.object as BookingServiceConfig).DOWNSTREAM_TIMEOUT_MS,
      defaultMessage: () => 'RELAY_LEASE_MS must be more than twice DOWNSTREAM_TIMEOUT_MS',
    },
  })
  RELAY_LEASE_MS = 30_000;

  /** Events delivered to every subscriber are deleted after this many days. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  OUTBOX_RETENTION_DAYS = 7;
}
