import { ApiProperty } from '@nestjs/swagger';
import { RevenuePeriod } from '../../generated/prisma/enums.js';

export class BookingCountsDto {
  @ApiProperty({ type: 'integer', example: 2 })
  PENDING: number;
  @ApiProperty({ type: 'integer', example: 40 })
  CONFIRMED: number;
  @ApiProperty({ type: 'integer', example: 5 })
  CANCELLED: number;
  @ApiProperty({ type: 'integer', example: 1 })
  PAYMENT_FAILED: number;
  @ApiProperty({ type: 'integer', example: 3 })
  EXPIRED: number;
}

export class MoneyTotalsDto {
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ type: 'integer', example: 250000, description: 'Money captured (minor units)' })
  capturedCents: number;
  @ApiProperty({ type: 'integer', example: 15000, description: 'Money refunded (minor units)' })
  refundedCents: number;
  @ApiProperty({ type: 'integer', example: 235000, description: 'capturedCents - refundedCents' })
  netCents: number;
}

export class SummaryDto {
  @ApiProperty({ format: 'date-time' })
  from: string;
  @ApiProperty({ format: 'date-time' })
  to: string;
  @ApiProperty({
    type: BookingCountsDto,
    description: 'Bookings starting in the range by status (every status, zeros included), deleted ones excluded',
  })
  bookings: BookingCountsDto;
  @ApiProperty({ type: 'integer', example: 1, description: 'Bookings starting in the range that an admin deleted' })
  deletedBookings: number;
  @ApiProperty({
    type: [MoneyTotalsDto],
    description: 'Money that moved in the range (by when it moved, not when the booking starts), per currency',
  })
  revenue: MoneyTotalsDto[];
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.1111,
    description: 'CANCELLED / (CONFIRMED + CANCELLED) of those bookings, 4 decimals; null when both are 0',
  })
  cancellationRate: number | null;
}

export class OccupancyDayDto {
  @ApiProperty({ format: 'uuid' })
  workspaceId: string;
  @ApiProperty({ example: 'Lovelace Room' })
  workspaceName: string;
  @ApiProperty({ example: 'Europe/Berlin' })
  timezone: string;
  @ApiProperty({ example: '2026-11-27', description: "The local date in the workspace's time zone" })
  date: string;
  @ApiProperty({ format: 'date-time', description: 'Where that local day (clipped to the range) starts' })
  start: string;
  @ApiProperty({ format: 'date-time', description: 'Where it ends (exclusive)' })
  end: string;
  @ApiProperty({
    example: 480,
    description:
      'Minutes open that day within the range (opening hours in local time; open at all times: the whole day, ' +
      '1380 or 1500 on a DST change day)',
  })
  openMinutes: number;
  @ApiProperty({ example: 120, description: 'Minutes of those covered by CONFIRMED bookings' })
  bookedMinutes: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.25,
    description: 'bookedMinutes / openMinutes, 4 decimals; null when closed',
  })
  occupancy: number | null;
}

export class OccupancyDto {
  @ApiProperty({ format: 'date-time' })
  from: string;
  @ApiProperty({ format: 'date-time' })
  to: string;
  @ApiProperty({ type: [OccupancyDayDto], description: 'By workspace name, then date' })
  items: OccupancyDayDto[];
}

export class RevenueBucketDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the UTC day, ISO week (Monday) or month' })
  periodStart: string;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ type: 'integer', example: 5000 })
  capturedCents: number;
  @ApiProperty({ type: 'integer', example: 1000 })
  refundedCents: number;
  @ApiProperty({ type: 'integer', example: 4000 })
  netCents: number;
}

export class RevenueDto {
  @ApiProperty({ format: 'date-time' })
  from: string;
  @ApiProperty({ format: 'date-time' })
  to: string;
  @ApiProperty({ enum: RevenuePeriod, enumName: 'RevenuePeriod' })
  groupBy: RevenuePeriod;
  @ApiProperty({
    type: [RevenueBucketDto],
    description:
      'Periods with money movements only, by periodStart then currency. The first and last period may reach ' +
      'beyond the range; only movements inside it count.',
  })
  items: RevenueBucketDto[];
}
