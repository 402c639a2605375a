import { HotPathSql, uuidv7 } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';

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
   * The lease: next_attempt_at as the claim set it (timestamptz(3), which the driver reads as a
   * Date, to the millisecond). Finishing the attempt requires it unchanged, compared exactly, so a
   * dispatcher whose lease ran out (and whose email another one took) changes nothing.
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

/**
 * The dispatcher's view of the notifications table: claim due emails, record each attempt. Its
 * three statements run for every email sent, so they go straight on the driver (HotPathSql), one
 * statement each, with no Prisma query layer and no interactive transaction.
 */
@Injectable()
export class DeliveryRepository {
  constructor(
    /** the dispatcher's statements run for every email: straight on the driver */
    private readonly sql: HotPathSql,
  ) {}

  /**
   * Claims up to `limit` due PENDING emails in one statement (its own transaction): rows locked
   * by another claim are skipped, not waited for, and each claimed row's next_attempt_at moves
   * `leaseMs` ahead, so after the commit no other dispatcher sees it as due while this one sends.
   * A dispatcher that dies leaves the row to be claimed again once the lease runs out.
   * Times are the database's clock, the one every replica shares.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedEmail[]> {
    return this.sql.query<ClaimedEmail>(Prisma.sql`
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
      RETURNING n.id, n.recipient, n.title, n.body AS text, n.html, n.attempts, n.next_attempt_at AS "leaseUntil"`);
  }

  /**
   * The server accepted the email: SENT, and the attempt recorded, in one statement (so one
   * transaction). The UPDATE applies only while the lease holds; the attempt row is written
   * either way (a data-modifying WITH runs whether or not anything reads it), so a late finish
   * still leaves its attempt on record. Both rows get the statement's now().
   */
  async recordSent(email: ClaimedEmail, report: SendReport): Promise<FinishedAs> {
    const rows = await this.sql.query<{ id: string }>(Prisma.sql`
      WITH sent AS (
        UPDATE notifications
           SET status = 'SENT', sent_at = now(), attempts = attempts + 1, next_attempt_at = NULL,
               last_error = NULL, updated_at = now()
         WHERE id = ${email.id}::uuid AND status = 'PENDING'
           AND next_attempt_at = ${email.leaseUntil.toISOString()}::timestamptz
        RETURNING id),
      attempt AS (
        INSERT INTO notification_attempts (id, notification_id, attempt, outcome, smtp_response, message_id, created_at)
        VALUES (${uuidv7()}::uuid, ${email.id}::uuid, ${email.attempts + 1}::integer, 'SENT'::"DeliveryOutcome",
                ${clip(report.smtpResponse)}, ${report.messageId}, now()))
      SELECT id::text AS id FROM sent`);
    return rows.length === 1 ? 'sent' : 'lease-lost';
  }

  /**
   * The send failed: the attempt is recorded and the email waits `retryInMs` for the next one,
   * or becomes FAILED when this was attempt number `maxAttempts`. One statement, like
   * recordSent: the email changes only while the lease holds, the attempt row is written either way.
   */
  async recordFailed(
    email: ClaimedEmail,
    error: string,
    smtpResponse: string | null,
    maxAttempts: number,
    retryInMs: number,
  ): Promise<FinishedAs> {
    const rows = await this.sql.query<{ status: string }>(Prisma.sql`
      WITH failed AS (
        UPDATE notifications
           SET attempts = attempts + 1,
               status = CASE WHEN attempts + 1 >= ${maxAttempts}::integer
                             THEN 'FAILED'::"NotificationStatus" ELSE 'PENDING'::"NotificationStatus" END,
               next_attempt_at = CASE WHEN attempts + 1 >= ${maxAttempts}::integer
                                      THEN NULL ELSE now() + ${retryInMs}::integer * interval '1 millisecond' END,
               last_error = ${clip(error)}, updated_at = now()
         WHERE id = ${email.id}::uuid AND status = 'PENDING'
           AND next_attempt_at = ${email.leaseUntil.toISOString()}::timestamptz
        RETURNING status::text AS status),
      attempt AS (
        INSERT INTO notification_attempts (id, notification_id, attempt, outcome, error, smtp_response, created_at)
        VALUES (${uuidv7()}::uuid, ${email.id}::uuid, ${email.attempts + 1}::integer, 'FAILED'::"DeliveryOutcome",
                ${clip(error) ?? 'unknown error'}, ${clip(smtpResponse)}, now()))
      SELECT status FROM failed`);
    if (rows.length === 0) return 'lease-lost';
    return rows[0]!.status === 'FAILED' ? 'failed' : 'retrying';
  }
}
