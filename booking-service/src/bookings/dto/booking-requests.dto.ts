import { InstantProperty, PageQuery, UuidProperty } from '@cowork/service-kit';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BookingStatus } from '../../generated/prisma/enums.js';

export class CreateBookingDto {
  @UuidProperty()
  workspaceId: string;

  @InstantProperty({ description: 'Inclusive start, ISO-8601 with offset, on a whole minute' })
  startTime: string;

  @InstantProperty({ description: 'Exclusive end, ISO-8601 with offset, on a whole minute' })
  endTime: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  attendees?: number;

  @UuidProperty({ optional: true, description: 'Admins only: book on behalf of this user (default: the caller)' })
  userId?: string;

  @ApiPropertyOptional({
    description: 'Simulated payment method (used from the payments issue on)',
    example: 'pm_card_visa',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @Matches(/^pm_[a-z0-9_]{1,60}$/, { message: 'paymentMethod must look like pm_card_visa' })
  paymentMethod?: string;
}

export class RescheduleBookingDto {
  @InstantProperty({ optional: true, description: 'New inclusive start (default: unchanged)' })
  startTime?: string;

  @InstantProperty({ optional: true, description: 'New exclusive end (default: unchanged)' })
  endTime?: string;
}

export class ListBookingsQuery extends PageQuery {
  @UuidProperty({ optional: true, description: 'Admins only; members always see their own' })
  userId?: string;

  @UuidProperty({ optional: true })
  workspaceId?: string;

  @ApiPropertyOptional({ enum: BookingStatus, enumName: 'BookingStatus' })
  @IsOptional()
  @IsEnum(BookingStatus)
  status?: BookingStatus;

  @InstantProperty({ optional: true, description: 'Only bookings that end after this instant' })
  from?: string;

  @InstantProperty({ optional: true, description: 'Only bookings that start before this instant' })
  to?: string;
}
