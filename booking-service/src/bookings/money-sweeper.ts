import { RecurringPass, withRequestId } from '@cowork/service-kit';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BookingServiceConfig } from '../config.js';
import { BookingSettlement } from './booking-settlement.js';
import { BookingsRepository } from './bookings.repository.js';

const BATCH = 50;

/**
 * Every SWEEP_INTERVAL_MS: releases holds that ran out (EXPIRED, slot freed, unless the charge
 * did go through), reconciles bookings whose charge outcome was unknown, and pays refunds that
 * payment-service could not take at the time. Safe with several replicas: each change is a
 * versioned transition and each payment call carries a state-derived idempotency key.
 */
@Injectable()
export class MoneySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MoneySweeper.name);
  private readonly schedule = new RecurringPass({
    intervalMs: this.config.SWEEP_INTERVAL_MS,
    pass: () => this.sweep(),
    logger: this.logger,
    failurePrefix: 'sweep failed',
  });

  constructor(
    private readonly bookings: BookingsRepository,
    private readonly settlement: BookingSettlement,
    private readonly config: BookingServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One pass. Also called directly by tests. */
  sweep(): Promise<void> {
    return withRequestId(`sweep-${randomUUID()}`, async () => {
      for (const booking of await this.bookings.expiredHolds(BATCH)) {
        await this.settlement
          .expireHold(booking)
          .catch((e: Error) => this.logger.warn(`hold ${booking.id}: ${e.message}`));
      }
      for (const booking of await this.bookings.moneyDue(BATCH)) {
        try {
          const current = booking.paymentUnresolved ? await this.settlement.reconcile(booking) : booking;
          if (current) await this.settlement.payRefundDue(current, 'system');
        } catch (error) {
          this.logger.warn(`money due on ${booking.id}: ${(error as Error).message}`);
        }
      }
    });
  }
}
