import { afterCursor, isUniqueViolation, KeysetCursor, postgresErrorCode, recordEventOnce } from '@cowork/service-kit';
import type { EventOutcome } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
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
            id: randomUUID(),
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
              id: randomUUID(),
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
      if (isUniqueViolation(error) || postgresErrorCode(error) === '23505') return 'duplicate';
      throw error;
    }
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
