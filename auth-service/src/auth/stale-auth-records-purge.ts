import { RecurringPass, withRequestId } from '@cowork/service-kit';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuthServiceConfig } from '../config.js';
import { RefreshTokens } from '../sessions/refresh-tokens.js';
import { LoginThrottle } from './login-throttle.js';

/** Login-throttle rows deleted per statement. */
export const THROTTLE_BATCH = 1000;
/** Refresh-token families (logins) deleted per statement, each with all of its tokens. */
export const FAMILY_BATCH = 200;

export interface PurgePass {
  /** login-throttle rows whose window had ended */
  loginThrottles: number;
  /** logins whose every refresh token expired more than REFRESH_TOKEN_RETENTION_DAYS ago */
  refreshTokenFamilies: number;
  /** the refresh tokens of those logins */
  refreshTokens: number;
}

/**
 * Deletes what auth-service would otherwise keep forever, every PURGE_INTERVAL_MS:
 * - login throttles whose window ended (an attacker spraying emails or IPs leaves one row per
 *   key; a row whose window is over counts nothing any more, see LoginThrottle.purgeEndedWindows);
 * - refresh-token families whose every token expired more than REFRESH_TOKEN_RETENTION_DAYS ago
 *   (a family is kept whole until then, for reuse detection; see RefreshTokens.purgeExpiredFamilies).
 *
 * Each batch is one bounded DELETE, repeated while batches come back full. Safe with several
 * replicas without any coordination: what a DELETE selects is stale for good, so two replicas
 * deleting the same rows is harmless (the second finds them gone). A pass never overlaps the
 * previous one; shutdown stops after the current batch and waits for it.
 */
@Injectable()
export class StaleAuthRecordsPurge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StaleAuthRecordsPurge.name);
  private readonly schedule = new RecurringPass({
    intervalMs: this.config.PURGE_INTERVAL_MS,
    pass: () => this.runPass(),
    logger: this.logger,
    failurePrefix: 'purge pass failed',
  });

  constructor(
    private readonly throttle: LoginThrottle,
    private readonly refreshTokens: RefreshTokens,
    private readonly config: AuthServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  /** Before the database closes (onApplicationShutdown): the running pass ends after its current batch. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One pass: every stale row, a batch at a time (until none is left, or shutdown). Tests call it directly. */
  runPass(): Promise<PurgePass> {
    return withRequestId(`auth-purge-${randomUUID()}`, async () => {
      const pass: PurgePass = { loginThrottles: 0, refreshTokenFamilies: 0, refreshTokens: 0 };
      // keys are never empty ('account:…', 'ip:…'), so '' is before the first
      let after: string | undefined = '';
      while (after !== undefined && !this.schedule.stopping) {
        const batch = await this.throttle.purgeEndedWindows(after, THROTTLE_BATCH);
        pass.loginThrottles += batch.purged;
        after = batch.next;
      }
      let full = true;
      while (full && !this.schedule.stopping) {
        const batch = await this.refreshTokens.purgeExpiredFamilies(FAMILY_BATCH);
        pass.refreshTokenFamilies += batch.families;
        pass.refreshTokens += batch.tokens;
        full = batch.families >= FAMILY_BATCH;
      }
      if (pass.loginThrottles > 0 || pass.refreshTokens > 0) {
        this.logger.log(
          `purged ${pass.loginThrottles} login throttles whose window ended and ${pass.refreshTokens} refresh ` +
            `tokens of ${pass.refreshTokenFamilies} logins expired more than ` +
            `${this.config.REFRESH_TOKEN_RETENTION_DAYS} days ago`,
        );
      }
      return pass;
    });
  }
}
