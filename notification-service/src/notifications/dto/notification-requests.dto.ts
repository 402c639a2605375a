import { PageQuery, UuidProperty } from '@cowork/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional } from 'class-validator';
import { NotificationChannel, NotificationType } from '../../generated/prisma/enums.js';

/** "true"/"false" in a query string; anything else stays as it is and fails IsBoolean. */
const QueryBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export class ListNotificationsQuery extends PageQuery {
  @UuidProperty({
    optional: true,
    description: "Admins: this user's notifications (default: your own). Members may pass only their own id",
  })
  userId?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true: only unread; false: only read' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;

  @ApiPropertyOptional({ enum: NotificationChannel, enumName: 'NotificationChannel' })
  @IsOptional()
  @IsEnum(NotificationChannel, { message: `channel must be one of: ${Object.values(NotificationChannel).join(', ')}` })
  channel?: NotificationChannel;

  @ApiPropertyOptional({ enum: NotificationType, enumName: 'NotificationType' })
  @IsOptional()
  @IsEnum(NotificationType, { message: `type must be one of: ${Object.values(NotificationType).join(', ')}` })
  type?: NotificationType;

  @UuidProperty({ optional: true, description: 'Only notifications about this booking' })
  bookingId?: string;
}

export class UpdatePreferencesDto {
  @ApiProperty({ description: 'Send an email for each booking event as well as the in-app notification' })
  @IsBoolean({ message: 'emailEnabled must be true or false' })
  emailEnabled: boolean;
}
