import { RecurringPass, withRequestId } from '@cowork/service-kit';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { NotificationServiceConfig } from '../config.js';
import { retryDelayMs } from './backoff.js';
import { ClaimedEmail, DeliveryRepository, FinishedAs } from './delivery.repository.js';
import { AcceptedEmail, describeSendFailure, MailTransport } from './mail-transport.js';

export interface DispatchPass {
  claimed: number;
  sent: number;
  /** failed this time, to be tried again later */
  retrying: number;
  /** failed for the last time (MAIL_MAX_ATTEMPTS): FAILED */
  failed: number;
  /** finished after its lease ran out and another dispatcher took it: changed nothing */
  leaseLost: number;
  /** could not be recorded (database trouble); claimed again once the lease runs out */
  errors: number;
}

/** Passes per tick while each one finds a full batch (a backlog), before yielding to the next tick. */
const MAX_PASSES_PER_TICK = 20;

/**
 * Sends PENDING emails in the background, never inside a request. Every
 * MAIL_DISPATCH_INTERVAL_MS it claims due emails (FOR UPDATE SKIP LOCKED plus a lease, so replicas
 * never send one email at once), sends each over SMTP, and records the attempt: SENT, or a retry
 * with exponential backoff, or FAILED after MAIL_MAX_ATTEMPTS. Passes never overlap within a
 * process, and shutdown waits for the running one.
 *
 * The one duplicate it cannot rule out: the server accepted an email and the process died before
 * recording SENT; the lease runs out and the email is sent again, with the same Message-ID
 * (<notification-id@cowork.local>), so the receiving side can drop the copy.
 */
@Injectable()
export class MailDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailDispatcher.name);
  private readonly schedule = new RecurringPass({
    intervalMs: this.config.MAIL_DISPATCH_INTERVAL_MS,
    pass: () => this.drain(),
    logger: this.logger,
    failurePrefix: 'mail dispatch failed',
  });

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly transport: MailTransport,
    private readonly config: NotificationServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  /** Before the database and the sink close: no new pass, and the running one finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One pass: claims up to MAIL_DISPATCH_BATCH_SIZE due emails and sends them. Tests call it directly. */
  dispatchDue(): Promise<DispatchPass> {
    return withRequestId(`mail-dispatch-${randomUUID()}`, async () => {
      const claimed = await this.deliveries.claimDue(this.config.MAIL_DISPATCH_BATCH_SIZE, this.config.mailLeaseMs);
      const pass: DispatchPass = { claimed: claimed.length, sent: 0, retrying: 0, failed: 0, leaseLost: 0, errors: 0 };
      const results = await Promise.allSettled(claimed.map((email) => this.deliver(email)));
      for (const [i, result] of results.entries()) {
        if (result.status === 'fulfilled') {
          pass[result.value === 'lease-lost' ? 'leaseLost' : result.value]++;
        } else {
          pass.errors++;
          this.logger.error(`email ${claimed[i]!.id}: could not record the attempt: ${String(result.reason)}`);
        }
      }
      return pass;
    });
  }

  private async drain(): Promise<void> {
    for (let i = 0; i < MAX_PASSES_PER_TICK; i++) {
      const pass = await this.dispatchDue();
      if (pass.claimed < this.config.MAIL_DISPATCH_BATCH_SIZE) return;
    }
  }

  private async deliver(email: ClaimedEmail): Promise<FinishedAs> {
    const attempt = email.attempts + 1;
    let accepted: AcceptedEmail | undefined;
    let failure: ReturnType<typeof describeSendFailure> | undefined;
    try {
      accepted = await this.transport.send({
        notificationId: email.id,
        to: email.recipient,
        subject: email.title,
        text: email.text,
        html: email.html,
      });
    } catch (error) {
      failure = describeSendFailure(error);
    }
    let finished: FinishedAs;
    if (accepted) {
      finished = await this.deliveries.recordSent(email, {
        smtpResponse: accepted.response,
        messageId: accepted.messageId,
      });
    } else {
      const { error, smtpResponse } = failure!;
      const retryIn = retryDelayMs(attempt, this.config.MAIL_RETRY_BASE_MS, this.config.MAIL_RETRY_MAX_MS);
      finished = await this.deliveries.recordFailed(email, error, smtpResponse, this.config.MAIL_MAX_ATTEMPTS, retryIn);
      const next = finished === 'retrying' ? `; next attempt in about ${retryIn} ms` : '';
      this.logger.warn(
        `email ${email.id}: attempt ${attempt}/${this.config.MAIL_MAX_ATTEMPTS} failed (${error})${next}`,
      );
    }
    if (finished === 'sent') this.logger.log(`email ${email.id} sent (attempt ${attempt})`);
    if (finished === 'failed') this.logger.error(`email ${email.id}: gave up after ${attempt} attempts`);
    if (finished === 'lease-lost') {
      this.logger.warn(`email ${email.id}: attempt ${attempt} finished after its lease ran out; left as it was`);
    }
    return finished;
  }
}
