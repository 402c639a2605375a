import {
  afterCursor,
  isRetryableTransactionError,
  isUniqueViolation,
  KeysetCursor,
  recordEventOnce,
  retryTransaction,
  uuidv7,
  violatedConstraint,
} from '@cowork/service-kit';
import type { EventOutcome } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Notification, NotificationPreference, PrismaClient } from '../generated/prisma/client.js';
import { NotificationChannel, NotificationStatus, NotificationType } from '../generated/prisma/enums.js';
import type { RenderedNotification } from '../templates/index.js';

/** The event as recordEventOnce keeps it. */
export interface ReceivedEvent {
  id: string;
  type: string;
  source: string;
}

/** What an event that notifies turns into: who, about what, and the rendered texts. */
export interface NotificationDraft {
  userId: string;
  bookingId: string;
  type: NotificationType;
  recipient: string;
  content: RenderedNotification;
}

/** One event of a batch: a draft when it notifies, none when it is only recorded (ignored). */
export interface BatchEvent {
  event: ReceivedEvent;
  draft?: NotificationDraft;
}

/** How many times applyEvents runs its statement when a concurrent transaction gets in its way. */
const BATCH_ATTEMPTS = 3;

export interface NotificationFilter {
  userId: string;
  unread?: boolean;
  channel?: NotificationChannel;
  type?: NotificationType;
  bookingId?: string;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Applies an event in one transaction: records its id first (recordEventOnce), then writes the
   * IN_APP notification and, when the user's email preference is on at this moment, the EMAIL one
   * (PENDING, due at once; the dispatcher sends it). A redelivery finds the id recorded and writes
   * nothing. A concurrent twin waits on the processed_events key until the first commits and then
   * finds it recorded; should it still collide on a unique index, it is a duplicate as well.
   */
  async applyEvent(event: ReceivedEvent, draft: NotificationDraft): Promise<Exclude<EventOutcome, 'ignored'>> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        if (!(await recordEventOnce(tx, event))) return 'duplicate' as const;
        const preference = await tx.notificationPreference.findUnique({ where: { userId: draft.userId } });
        const common = { userId: draft.userId, eventId: event.id, bookingId: draft.bookingId, type: draft.type };
        await tx.notification.create({
          data: {
            ...common,
            id: uuidv7(),
            channel: NotificationChannel.IN_APP,
            status: NotificationStatus.DELIVERED,
            title: draft.content.title,
            body: draft.content.body,
          },
        });
        if (preference?.emailEnabled ?? true) {
          await tx.notification.create({
            data: {
              ...common,
              id: uuidv7(),
              channel: NotificationChannel.EMAIL,
              status: NotificationStatus.PENDING,
              title: draft.content.title,
              body: draft.content.text,
              html: draft.content.html,
              recipient: draft.recipient,
              // due at once (this process's clock; clock skew with the database only shifts the first send)
              nextAttemptAt: new Date(),
            },
          });
        }
        return 'applied' as const;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }

  /**
   * Applies a batch of events at once, leaving exactly the rows applyEvent and recordIgnored
   * would leave one by one (apart from generated ids and times), in ONE statement and so one
   * transaction: it records every event id in processed_events, and for the ids recorded now
   * (only those) inserts each notifying event's IN_APP notification and, where the user's email
   * preference is on, its EMAIL one (PENDING, due at once, as applyEvent writes it). One outcome
   * per event, in order: `applied` (notified), `ignored` (no draft), or `duplicate` when the id
   * was recorded before or earlier in the same batch. An id recorded by a concurrent transaction
   * is waited for, as by applyEvent; the ids are recorded in sorted order, so two overlapping
   * batches take their keys in the same order. A deadlock, serialization failure or a unique
   * violation on processed_events reruns the statement (up to BATCH_ATTEMPTS times); anything else,
   * or a last failure, is thrown with nothing committed.
   */
  async applyEvents(events: readonly BatchEvent[]): Promise<EventOutcome[]> {
    // uuids compare case-insensitively in the database: the first occurrence of an id is the one applied
    const keyOf = (event: ReceivedEvent) => event.id.toLowerCase();
    const firstIndex = new Map<string, number>();
    for (const [i, { event }] of events.entries()) if (!firstIndex.has(keyOf(event))) firstIndex.set(keyOf(event), i);
    const unique = [...firstIndex.values()]
      .map((i) => events[i]!)
      .sort((a, b) => (keyOf(a.event) < keyOf(b.event) ? -1 : 1));
    // a deadlock or serialization failure (rolled back) or a twin recording one of its ids first
    // (the rerun waits for it and finds it recorded) runs it again; anything else is thrown at once
    const recorded = await retryTransaction(
      () => this.recordAndNotify(unique),
      BATCH_ATTEMPTS,
      (error) => isRetryableTransactionError(error) || isProcessedEventsConflict(error),
    );
    return events.map(({ event, draft }, i) => {
      if (firstIndex.get(keyOf(event)) !== i || !recorded.has(keyOf(event))) return 'duplicate';
      return draft ? 'applied' : 'ignored';
    });
  }

  /** applyEvents' statement; the ids (lowercase) it recorded. */
  private async recordAndNotify(events: readonly BatchEvent[]): Promise<Set<string>> {
    const notifying = events.filter((e): e is Required<BatchEvent> => e.draft !== undefined);
    const column = <T>(pick: (e: Required<BatchEvent>) => T) => notifying.map(pick);
    // the times applyEvent gets from Prisma (created_at, updated_at) and sets (next_attempt_at): this process's clock
    const now = new Date().toISOString();
    // an enum array goes as text[] and is cast in SQL (PGlite cannot serialise a parameter of an enum array type)
    const rows = await this.prisma.$queryRaw<{ eventId: string }[]>`
      WITH recorded AS (
        INSERT INTO processed_events (event_id, type, source)
        SELECT * FROM unnest(
          ${events.map((e) => e.event.id)}::uuid[],
          ${events.map((e) => e.event.type)}::varchar[],
          ${events.map((e) => e.event.source)}::varchar[])
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id),
      draft AS (
        SELECT d.*
          FROM unnest(
            ${column((e) => e.event.id)}::uuid[],
            ${column((e) => e.draft.userId)}::uuid[],
            ${column((e) => e.draft.bookingId)}::uuid[],
            ${column((e) => e.draft.type)}::text[]::"NotificationType"[],
            ${column(() => uuidv7())}::uuid[],
            ${column(() => uuidv7())}::uuid[],
            ${column((e) => e.draft.content.title)}::text[],
            ${column((e) => e.draft.content.body)}::text[],
            ${column((e) => e.draft.content.text)}::text[],
            ${column((e) => e.draft.content.html)}::text[],
            ${column((e) => e.draft.recipient)}::text[])
            AS d(event_id, user_id, booking_id, type, in_app_id, email_id, title, body, text, html, recipient)
          JOIN recorded USING (event_id)),
      notified AS (
        INSERT INTO notifications (id, user_id, event_id, booking_id, type, channel, status, title, body, html,
                                   recipient, next_attempt_at, created_at, updated_at)
        SELECT in_app_id, user_id, event_id, booking_id, type, 'IN_APP'::"NotificationChannel",
               'DELIVERED'::"NotificationStatus", title, body, NULL, NULL, NULL,
               ${now}::timestamptz, ${now}::timestamptz
          FROM draft
        UNION ALL
        SELECT d.email_id, d.user_id, d.event_id, d.booking_id, d.type, 'EMAIL'::"NotificationChannel",
               'PENDING'::"NotificationStatus", d.title, d.text, d.html, d.recipient,
               ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
          FROM draft d LEFT JOIN notification_preferences p ON p.user_id = d.user_id
         WHERE coalesce(p.email_enabled, true))
      SELECT event_id::text AS "eventId" FROM recorded`;
    return new Set(rows.map((r) => r.eventId));
  }

  /** Records an event this service does not act on; false when it was recorded before. */
  recordIgnored(event: ReceivedEvent): Promise<boolean> {
    return recordEventOnce(this.prisma, event);
  }

  findById(id: string): Promise<Notification | null> {
    return this.prisma.notification.findUnique({ where: { id } });
  }

  /** Newest first; one extra row tells whether there is a next page. */
  list(filter: NotificationFilter, limit: number, cursor?: KeysetCursor): Promise<Notification[]> {
    return this.prisma.notification.findMany({
      where: {
        AND: [
          afterCursor(cursor),
          { userId: filter.userId },
          filter.unread === undefined ? {} : { readAt: filter.unread ? null : { not: null } },
          filter.channel ? { channel: filter.channel } : {},
          filter.type ? { type: filter.type } : {},
          filter.bookingId ? { bookingId: filter.bookingId } : {},
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }

  /** Sets read_at once: a second call (or a concurrent one) leaves the first time in place. */
  async markRead(id: string): Promise<Notification> {
    await this.prisma.notification.updateMany({ where: { id, readAt: null }, data: { readAt: new Date() } });
    return this.prisma.notification.findUniqueOrThrow({ where: { id } });
  }

  /** How many of the user's unread notifications this call marked read. */
  async markAllRead(userId: string): Promise<number> {
    const { count } = await this.prisma.notification.updateMany({
      where: { userId, readAt: null },
      data: { readAt: new Date() },
    });
    return count;
  }

  findPreference(userId: string): Promise<NotificationPreference | null> {
    return this.prisma.notificationPreference.findUnique({ where: { userId } });
  }

  /**
   * Stores the choice; a call that changes nothing leaves the row (and its updated_at) as it was,
   * so a retry answers exactly what the first call answered.
   */
  async setEmailEnabled(userId: string, emailEnabled: boolean): Promise<NotificationPreference> {
    await this.prisma.$executeRaw`
      INSERT INTO notification_preferences (user_id, email_enabled, updated_at)
      VALUES (${userId}::uuid, ${emailEnabled}, now())
      ON CONFLICT (user_id) DO UPDATE
         SET email_enabled = EXCLUDED.email_enabled, updated_at = EXCLUDED.updated_at
       WHERE notification_preferences.email_enabled IS DISTINCT FROM EXCLUDED.email_enabled`;
    return this.prisma.notificationPreference.findUniqueOrThrow({ where: { userId } });
  }
}

/** processed_events' primary key (prisma/migrations): the one a twin recording the same event id collides on. */
const PROCESSED_EVENTS_KEY = 'processed_events_pkey';

/**
 * A unique violation on processed_events' key (one on notifications is no race: it is not retried),
 * told by the constraint's name; where the error carries none (PGlite's Prisma adapter keeps only the
 * key's columns), by the table's name in its text.
 */
function isProcessedEventsConflict(error: unknown): boolean {
  if (!isUniqueViolation(error)) return false;
  const constraint = violatedConstraint(error);
  if (constraint !== undefined) return constraint === PROCESSED_EVENTS_KEY;
  return /processed_events/.test(JSON.stringify((error as { meta?: unknown }).meta ?? {}) + String(error));
}
