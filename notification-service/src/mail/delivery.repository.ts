import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PrismaClient } from '../generated/prisma/client.js';
import { DeliveryOutcome } from '../generated/prisma/enums.js';

/** A PENDING email taken by one dispatcher until `leaseUntil`. */
export interface ClaimedEmail {
  id: string;
  recipient: string;
  title: string;
  text: string;
  html: string;
  /** attempts made before this one */
  attempts: number;
  /**
   * The lease: next_attempt_at as the claim set it. Finishing the attempt requires it unchanged,
   * so a dispatcher whose lease ran out (and whose email another one took) changes nothing.
   */
  leaseUntil: Date;
}

export interface SendReport {
  smtpResponse: string | null;
  messageId: string | null;
}

export type FinishedAs = 'sent' | 'retrying' | 'failed' | 'lease-lost';

const TEXT_MAX = 1000;
const clip = (text: string | null) => (text === null ? null : [...text].slice(0, TEXT_MAX).join(''));

/** The dispatcher's view of the notifications table: claim due emails, record each attempt. */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Claims up to `limit` due PENDING emails in one statement (its own transaction): rows locked
   * by another claim are skipped, not waited for, and each claimed row's next_attempt_at moves
   * `leaseMs` ahead, so after the commit no other dispatcher sees it as due while this one sends.
   * A dispatcher that dies leaves the row to be claimed again once the lease runs out.
   * Times are the database's clock, the one every replica shares.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedEmail[]> {
    return this.prisma.$queryRaw<ClaimedEmail[]>`
      WITH due AS (
        SELECT id FROM notifications
         WHERE status = 'PENDING' AND channel = 'EMAIL' AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id
         LIMIT ${limit}::integer
           FOR UPDATE SKIP LOCKED)
      UPDATE notifications AS n
         SET next_attempt_at = now() + ${leaseMs}::integer * interval '1 millisecond', updated_at = now()
        FROM due
       WHERE n.id = due.id
      RETURNING n.id, n.recipient, n.title, n.body AS text, n.html, n.attempts, n.next_attempt_at AS "leaseUntil"`;
  }

  /** The server accepted the email: SENT, and the attempt recorded. */
  recordSent(email: ClaimedEmail, report: SendReport): Promise<FinishedAs> {
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.$executeRaw`
        UPDATE notifications
           SET status = 'SENT', sent_at = now(), attempts = attempts + 1, next_attempt_at = NULL,
               last_error = NULL, updated_at = now()
         WHERE id = ${email.id}::uuid AND status = 'PENDING'
           AND next_attempt_at = ${email.leaseUntil.toISOString()}::timestamptz`;
      await tx.deliveryAttempt.create({
        data: {
          id: randomUUID(),
          notificationId: email.id,
          attempt: email.attempts + 1,
          outcome: DeliveryOutcome.SENT,
          smtpResponse: clip(report.smtpResponse),
          messageId: report.messageId,
        },
      });
      return updated === 1 ? 'sent' : 'lease-lost';
    });
  }

  /**
   * The send failed: the attempt is recorded and the email waits `retryInMs` for the next one,
   * or becomes FAILED when this was attempt number `maxAttempts`.
   */
  recordFailed(
    email: ClaimedEmail,
    error: string,
    smtpResponse: string | null,
    maxAttempts: number,
    retryInMs: number,
  ): Promise<FinishedAs> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ status: string }[]>`
        UPDATE notifications
           SET attempts = attempts + 1,
               status = CASE WHEN attempts + 1 >= ${maxAttempts}::integer
                             THEN 'FAILED'::"NotificationStatus" ELSE 'PENDING'::"NotificationStatus" END,
               next_attempt_at = CASE WHEN attempts + 1 >= ${maxAttempts}::integer
                                      THEN NULL ELSE now() + ${retryInMs}::integer * interval '1 millisecond' END,
               last_error = ${clip(error)}, updated_at = now()
         WHERE id = ${email.id}::uuid AND status = 'PENDING'
           AND next_attempt_at = ${email.leaseUntil.toISOString()}::timestamptz
        RETURNING status::text AS status`;
      await tx.deliveryAttempt.create({
        data: {
          id: randomUUID(),
          notificationId: email.id,
          attempt: email.attempts + 1,
          outcome: DeliveryOutcome.FAILED,
          error: clip(error) ?? 'unknown error',
          smtpResponse: clip(smtpResponse),
        },
      });
      if (rows.length === 0) return 'lease-lost';
      return rows[0]!.status === 'FAILED' ? 'failed' : 'retrying';
    });
  }
}
