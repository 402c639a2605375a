import { RecurringPass, withRequestId } from '@cowork/service-kit';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PaymentServiceConfig } from '../config.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { CHARGE_ENDPOINT, PaymentsService, RecoveryOutcome } from './payments.service.js';

const BATCH = 50;

export interface RecoveryPass {
  recorded: number;
  released: number;
  /** taken by a contender first (another replica, a retry), or failed (logged; tried again next pass) */
  skipped: number;
}

/**
 * Every RECOVERY_INTERVAL_MS: settles charges whose process died between claiming the key and
 * recording the outcome (the claim stays IN_PROGRESS after its lock runs out), so that money the
 * provider took is recorded even if nobody retries. Each such claim is taken over with the lock
 * token a retry would use (one contender wins, and a claim whose lock is valid is never touched),
 * then settled by PaymentsService.recoverCharge. Refund claims are left to their retry (see README).
 */
@Injectable()
export class ChargeRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChargeRecovery.name);
  private readonly schedule = new RecurringPass({
    intervalMs: this.config.RECOVERY_INTERVAL_MS,
    pass: () => this.recover(),
    logger: this.logger,
    failurePrefix: 'recovery pass failed',
  });

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly payments: PaymentsService,
    private readonly config: PaymentServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One pass over up to BATCH stale charge claims. Also called directly by tests. */
  recover(): Promise<RecoveryPass> {
    return withRequestId(`recovery-${randomUUID()}`, async () => {
      const pass: RecoveryPass = { recorded: 0, released: 0, skipped: 0 };
      for (const record of await this.idempotency.findStale(CHARGE_ENDPOINT, BATCH)) {
        let outcome: RecoveryOutcome;
        try {
          outcome = await this.payments.recoverCharge(record);
        } catch (error) {
          this.logger.warn(`charge claim ${record.id}: ${(error as Error).message}`);
          pass.skipped++;
          continue;
        }
        if (outcome === 'not-taken') pass.skipped++;
        else {
          pass[outcome]++;
          this.logger.log(`charge claim ${record.id} (key ${record.key}): ${outcome}`);
        }
      }
      return pass;
    });
  }
}
