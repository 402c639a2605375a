import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Booking } from '../../generated/prisma/client.js';
import { BookingStatus } from '../../generated/prisma/enums.js';

export class BookingDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty({ format: 'uuid' })
  workspaceId: string;
  @ApiProperty({ format: 'date-time', description: 'Inclusive start (UTC)' })
  startTime: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive end (UTC): [startTime, endTime)' })
  endTime: string;
  @ApiProperty({ example: 2 })
  attendees: number;
  @ApiProperty({ enum: BookingStatus, enumName: 'BookingStatus' })
  status: BookingStatus;
  @ApiProperty({ description: 'Integer minor units of currency', example: 2500 })
  priceCents: number;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ description: 'Bumped by every change' })
  version: number;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  confirmedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  cancelledAt: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  static from(row: Booking): BookingDto {
    return {
      id: row.id,
      userId: row.userId,
      workspaceId: row.workspaceId,
      startTime: row.startTime.toISOString(),
      endTime: row.endTime.toISOString(),
      attendees: row.attendees,
      status: row.status,
      priceCents: row.priceCents,
      currency: row.currency,
      version: row.version,
      confirmedAt: row.confirmedAt?.toISOString() ?? null,
      cancelledAt: row.cancelledAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

export class BookingPageDto {
  @ApiProperty({ type: [BookingDto] })
  items: BookingDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
