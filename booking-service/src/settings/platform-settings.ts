import { RecurringPass } from '@cowork/service-kit';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AdminClient } from '../clients/admin.client.js';
import { BookingServiceConfig } from '../config.js';

/**
 * The cancellation window and the hold expiry as admins set them in admin-service, read every
 * SETTINGS_REFRESH_MS in the background, so a change applies without a restart and a booking
 * request never waits on admin-service. Until the first answer (or with refreshing off) the
 * environment's BOOKING_HOLD_SECONDS and CANCELLATION_FULL_REFUND_HOURS apply; if admin-service
 * goes away, the last values it gave stay in force.
 */
@Injectable()
export class PlatformSettings implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PlatformSettings.name);
  private readonly schedule = new RecurringPass({
    intervalMs: this.config.SETTINGS_REFRESH_MS,
    pass: () => this.refresh(),
    logger: this.logger,
    failurePrefix: 'platform settings refresh failed', // not expected: refresh() logs its own failures
    runOnStart: true,
  });
  private holdSecondsValue: number;
  private fullRefundHoursValue: number;
  /** the admin-service version in force; null while the environment's defaults apply */
  version: number | null = null;

  constructor(
    private readonly config: BookingServiceConfig,
    private readonly admin: AdminClient,
  ) {
    this.holdSecondsValue = config.BOOKING_HOLD_SECONDS;
    this.fullRefundHoursValue = config.CANCELLATION_FULL_REFUND_HOURS;
  }

  get holdSeconds(): number {
    return this.holdSecondsValue;
  }

  get cancellationFullRefundHours(): number {
    return this.fullRefundHoursValue;
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  /** Stops refreshing. A read under way is not waited for: it only sets the values above. */
  onApplicationShutdown(): void {
    void this.schedule.stop();
  }

  /** Reads the current settings; on failure keeps what is in force. */
  async refresh(): Promise<void> {
    try {
      const settings = await this.admin.settings();
      if (settings.version === this.version) return;
      this.holdSecondsValue = settings.bookingHoldMinutes * 60;
      this.fullRefundHoursValue = settings.cancellationFullRefundHours;
      this.version = settings.version;
      this.logger.log(
        `platform settings version ${settings.version}: hold ${settings.bookingHoldMinutes} min, ` +
          `full refund up to ${settings.cancellationFullRefundHours} h before the start`,
      );
    } catch (error) {
      this.logger.warn(
        `platform settings not refreshed, keeping version ${this.version ?? 'env'}: ${(error as Error).message}`,
      );
    }
  }
}
