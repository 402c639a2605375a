import { ApiProperty } from '@nestjs/swagger';
import type { Workspace } from '../../generated/prisma/client.js';
import { WorkspaceType } from '../../generated/prisma/enums.js';
import { storedOpeningHours } from '../workspace-validation.js';
import { OpeningRangeDto } from './opening-range.dto.js';

/**
 * A workspace as every reader sees it. booking-service depends on exactly these fields
 * (GET /workspaces/{id}); each one is mapped explicitly, so a new column never leaks.
 */
export class WorkspaceDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'Quiet desk 12' })
  name: string;
  @ApiProperty({ type: String, nullable: true, example: 'By the window' })
  description: string | null;
  @ApiProperty({ enum: WorkspaceType, enumName: 'WorkspaceType' })
  type: WorkspaceType;
  @ApiProperty({ example: 1 })
  capacity: number;
  @ApiProperty({ example: 1500, description: 'Integer minor units of `currency` per hour' })
  hourlyRateCents: number;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217' })
  currency: string;
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone of the opening hours' })
  timezone: string;
  @ApiProperty({
    type: [OpeningRangeDto],
    nullable: true,
    description: 'Sorted by day, then open; a day without entries is closed; null: open at all times',
  })
  openingHours: OpeningRangeDto[] | null;
  @ApiProperty({ example: 30 })
  minBookingMinutes: number;
  @ApiProperty({ example: 1440 })
  maxBookingMinutes: number;
  @ApiProperty({ description: 'false: takes no new bookings (existing ones stay)' })
  active: boolean;
  @ApiProperty({ example: 1, description: 'Starts at 1; incremented by every change' })
  version: number;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  static from(row: Workspace): WorkspaceDto {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      type: row.type,
      capacity: row.capacity,
      hourlyRateCents: row.hourlyRateCents,
      currency: row.currency,
      timezone: row.timezone,
      openingHours: storedOpeningHours(row.openingHours),
      minBookingMinutes: row.minBookingMinutes,
      maxBookingMinutes: row.maxBookingMinutes,
      active: row.active,
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

export class WorkspacePageDto {
  @ApiProperty({ type: [WorkspaceDto] })
  items: WorkspaceDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}
