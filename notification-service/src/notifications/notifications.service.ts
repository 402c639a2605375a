import { decodeCursor, ForbiddenError, isAdmin, Page, toPage } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { NotificationDto, NotificationPreferencesDto } from './dto/notification.dto.js';
import type { ListNotificationsQuery } from './dto/notification-requests.dto.js';
import { NotificationNotFoundError } from './notifications.errors.js';
import { NotificationsRepository } from './notifications.repository.js';

/** What a signed-in user does with notifications: their own, or anyone's for an admin where stated. */
@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  /** The caller's own notifications; an admin may name another user. */
  async list(principal: UserPrincipal, query: ListNotificationsQuery): Promise<Page<NotificationDto>> {
    const userId = query.userId ?? principal.userId;
    if (userId !== principal.userId && !isAdmin(principal)) {
      throw new ForbiddenError('Members may list only their own notifications (leave out userId, or pass your own)');
    }
    const rows = await this.notifications.list(
      { userId, unread: query.unread, channel: query.channel, type: query.type, bookingId: query.bookingId },
      query.limit,
      decodeCursor(query.cursor),
    );
    return toPage(rows, query.limit, NotificationDto.from);
  }

  /** Marks one notification read (the owner's, or any for an admin); someone else's is "not found". */
  async markRead(principal: UserPrincipal, id: string): Promise<NotificationDto> {
    const row = await this.notifications.findById(id);
    if (!row || (row.userId !== principal.userId && !isAdmin(principal))) throw new NotificationNotFoundError(id);
    return NotificationDto.from(row.readAt ? row : await this.notifications.markRead(id));
  }

  async markAllRead(principal: UserPrincipal): Promise<{ updated: number }> {
    return { updated: await this.notifications.markAllRead(principal.userId) };
  }

  async preferences(principal: UserPrincipal): Promise<NotificationPreferencesDto> {
    return NotificationPreferencesDto.from(principal.userId, await this.notifications.findPreference(principal.userId));
  }

  async setEmailEnabled(principal: UserPrincipal, emailEnabled: boolean): Promise<NotificationPreferencesDto> {
    const row = await this.notifications.setEmailEnabled(principal.userId, emailEnabled);
    return NotificationPreferencesDto.from(principal.userId, row);
  }
}
