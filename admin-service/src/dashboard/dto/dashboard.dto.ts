import { InstantProperty } from '@cowork/service-kit';
import { ApiProperty } from '@nestjs/swagger';
import type { Report } from '../../clients/reporting.client.js';
import type { UserStats } from '../../clients/user.client.js';

export class DashboardQuery {
  @InstantProperty({ description: 'Start of the period (inclusive)' })
  from: string;

  @InstantProperty({ description: 'End of the period (exclusive); after from, at most 366 days later' })
  to: string;
}

class UsersByRoleDto {
  @ApiProperty({ type: 'integer', example: 120 })
  MEMBER: number;
  @ApiProperty({ type: 'integer', example: 2 })
  ADMIN: number;
}

class UsersByStatusDto {
  @ApiProperty({ type: 'integer', example: 118 })
  ACTIVE: number;
  @ApiProperty({ type: 'integer', example: 4 })
  SUSPENDED: number;
}

export class UserStatsDto {
  @ApiProperty({ type: 'integer', example: 122 })
  total: number;
  @ApiProperty({ type: UsersByRoleDto })
  byRole: UsersByRoleDto;
  @ApiProperty({ type: UsersByStatusDto })
  byStatus: UsersByStatusDto;

  static from(stats: UserStats): UserStatsDto {
    return {
      total: stats.total,
      byRole: { MEMBER: stats.byRole?.MEMBER ?? 0, ADMIN: stats.byRole?.ADMIN ?? 0 },
      byStatus: { ACTIVE: stats.byStatus?.ACTIVE ?? 0, SUSPENDED: stats.byStatus?.SUSPENDED ?? 0 },
    };
  }
}

const REPORT = { type: 'object', additionalProperties: true, nullable: true } as const;

export class DashboardDto {
  @ApiProperty({ format: 'date-time', description: 'The period asked for, normalised to UTC' })
  from: string;
  @ApiProperty({ format: 'date-time' })
  to: string;
  @ApiProperty({ type: UserStatsDto, nullable: true, description: 'user-service statistics; null when missing' })
  users: UserStatsDto | null;
  @ApiProperty({
    ...REPORT,
    description: "reporting-service's summary of the period, as it answers; null when missing",
  })
  summary: Report | null;
  @ApiProperty({
    ...REPORT,
    description: "reporting-service's occupancy of the period, as it answers; null when missing",
  })
  occupancy: Report | null;
  @ApiProperty({
    type: [String],
    example: ['reporting-service: occupancy'],
    description: 'The parts that could not be fetched (down, slow, failing), e.g. "user-service: stats"',
  })
  missing: string[];
}
