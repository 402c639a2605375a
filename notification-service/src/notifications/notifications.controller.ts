import { ApiProblem, ApiUuidParam, Authenticated, CurrentPrincipal, Page, UuidParam } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  NotificationDto,
  NotificationPageDto,
  NotificationPreferencesDto,
  ReadAllResultDto,
} from './dto/notification.dto.js';
import { ListNotificationsQuery, UpdatePreferencesDto } from './dto/notification-requests.dto.js';
import { NotificationsService } from './notifications.service.js';

const SERVICE_TOKENS_REFUSED = 'Service tokens cannot call this endpoint (FORBIDDEN)';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'Your notifications, newest first (an admin may pass userId to read anyone’s)',
    description: 'In-app and email notifications alike; filter with `channel=IN_APP` for an inbox.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiProblem(403, "A member asked for another user's notifications, or a service token (FORBIDDEN)")
  list(
    @CurrentPrincipal() principal: UserPrincipal,
    @Query() query: ListNotificationsQuery,
  ): Promise<Page<NotificationDto>> {
    return this.notifications.list(principal, query);
  }

  @Post('read-all')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Mark all your unread notifications read',
    description: 'Answers how many this call marked. Safe to retry: a retry finds none unread and answers 0.',
  })
  @ApiOkResponse({ type: ReadAllResultDto })
  @ApiProblem(403, SERVICE_TOKENS_REFUSED)
  markAllRead(@CurrentPrincipal() principal: UserPrincipal): Promise<ReadAllResultDto> {
    return this.notifications.markAllRead(principal);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Mark one notification read (yours; an admin may mark any)',
    description:
      'Idempotent: a retry (or marking it again) answers the same notification with the readAt of the first call.',
  })
  @ApiUuidParam('id', 'The notification id')
  @ApiOkResponse({ type: NotificationDto })
  @ApiProblem(403, SERVICE_TOKENS_REFUSED)
  @ApiProblem(404, "No such notification, or another user's (NOTIFICATION_NOT_FOUND)")
  markRead(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<NotificationDto> {
    return this.notifications.markRead(principal, id);
  }

  @Get('preferences')
  @Authenticated()
  @ApiOperation({ summary: 'Your notification preferences (email on unless you turned it off)' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiProblem(403, SERVICE_TOKENS_REFUSED)
  preferences(@CurrentPrincipal() principal: UserPrincipal): Promise<NotificationPreferencesDto> {
    return this.notifications.preferences(principal);
  }

  @Patch('preferences')
  @Authenticated()
  @ApiOperation({
    summary: 'Turn booking emails on or off',
    description:
      'Applies to events that arrive from now on (the preference when an event arrives decides whether it makes ' +
      'an email); emails already made are still sent. Idempotent: setting the current value changes nothing, so a ' +
      'retry answers the same, updatedAt included.',
  })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiProblem(403, SERVICE_TOKENS_REFUSED)
  setPreferences(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: UpdatePreferencesDto,
  ): Promise<NotificationPreferencesDto> {
    return this.notifications.setEmailEnabled(principal, body.emailEnabled);
  }
}
