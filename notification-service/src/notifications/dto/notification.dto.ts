import { ApiProperty } from '@nestjs/swagger';
import type { Notification, NotificationPreference } from '../../generated/prisma/client.js';
import { NotificationChannel, NotificationStatus, NotificationType } from '../../generated/prisma/enums.js';

export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid', description: 'Whom it is for (the booking’s user)' })
  userId: string;
  @ApiProperty({ format: 'uuid' })
  bookingId: string;
  @ApiProperty({ format: 'uuid', description: 'The booking event it was made from' })
  eventId: string;
  @ApiProperty({ enum: NotificationType, enumName: 'NotificationType' })
  type: NotificationType;
  @ApiProperty({ enum: NotificationChannel, enumName: 'NotificationChannel' })
  channel: NotificationChannel;
  @ApiProperty({
    enum: NotificationStatus,
    enumName: 'NotificationStatus',
    description:
      'IN_APP: DELIVERED. EMAIL: PENDING (waiting to be sent or retried), SENT (accepted by the SMTP server), ' +
      'FAILED (gave up after MAIL_MAX_ATTEMPTS attempts)',
  })
  status: NotificationStatus;
  @ApiProperty({ example: 'Booking confirmed: Lovelace Room on Mon 30 Nov 2026' })
  title: string;
  @ApiProperty({ description: 'Plain text (for EMAIL: the text part of the email)' })
  body: string;
  @ApiProperty({ description: 'Whether the user marked it read' })
  read: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was first marked read' })
  readAt: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'EMAIL: when the server accepted it' })
  sentAt: string | null;
  @ApiProperty({ type: 'integer', example: 1, description: 'EMAIL: send attempts so far (0 for IN_APP)' })
  attempts: number;

  static from(row: Notification): NotificationDto {
    return {
      id: row.id,
      userId: row.userId,
      bookingId: row.bookingId,
      eventId: row.eventId,
      type: row.type,
      channel: row.channel,
      status: row.status,
      title: row.title,
      body: row.body,
      read: row.readAt !== null,
      readAt: row.readAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      sentAt: row.sentAt?.toISOString() ?? null,
      attempts: row.attempts,
    };
  }
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] })
  items: NotificationDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export class ReadAllResultDto {
  @ApiProperty({ type: 'integer', example: 3, description: 'Notifications this call marked read (0 on a retry)' })
  updated: number;
}

export class NotificationPreferencesDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty({
    description: 'Whether booking events also send an email (default true); in-app notifications are always made',
  })
  emailEnabled: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the preference last changed; null while it has never been set',
  })
  updatedAt: string | null;

  static from(userId: string, row: NotificationPreference | null): NotificationPreferencesDto {
    return { userId, emailEnabled: row?.emailEnabled ?? true, updatedAt: row?.updatedAt.toISOString() ?? null };
  }
}
