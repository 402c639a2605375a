import { InstantProperty, UuidProperty } from '@cowork/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, ValidateBy } from 'class-validator';
import { ReportFormat, ReportType, RevenuePeriod } from '../../generated/prisma/enums.js';
import { IsAfterFrom, REPORT_TYPES, REVENUE_PERIODS } from './report-queries.dto.js';

export const REPORT_FORMATS = Object.values(ReportFormat);

/** A field that only some report types take. */
const OnlyFor = (property: string, types: ReportType[]) =>
  ValidateBy({
    name: 'onlyForReportTypes',
    constraints: [types],
    validator: {
      validate: (value, args) =>
        value === undefined || types.includes((args?.object as { type?: ReportType }).type as ReportType),
      defaultMessage: () => `${property} applies to ${types.join(' and ')} reports only`,
    },
  });

export class CreateReportDto {
  @ApiProperty({
    enum: REPORT_TYPES,
    enumName: 'ReportType',
    description:
      'summary: as GET /reports/summary; occupancy: as GET /reports/occupancy; revenue: as GET /reports/revenue; ' +
      'bookings: one row per booking starting in the range (deleted ones too), the one that can be large',
  })
  @IsIn(REPORT_TYPES, { message: `type must be one of: ${REPORT_TYPES.join(', ')}` })
  type: ReportType;

  @ApiProperty({ enum: REPORT_FORMATS, enumName: 'ReportFormat' })
  @IsIn(REPORT_FORMATS, { message: `format must be one of: ${REPORT_FORMATS.join(', ')}` })
  format: ReportFormat;

  @InstantProperty({ description: 'Start of the range, inclusive' })
  from: string;

  @InstantProperty({ description: 'End of the range, exclusive; after from' })
  @IsAfterFrom()
  to: string;

  @ApiPropertyOptional({
    enum: REVENUE_PERIODS,
    enumName: 'RevenuePeriod',
    description: 'revenue only (default day): bucket size in UTC, ISO weeks',
  })
  @IsOptional()
  @IsIn(REVENUE_PERIODS, { message: `groupBy must be one of: ${REVENUE_PERIODS.join(', ')}` })
  @OnlyFor('groupBy', ['revenue'])
  groupBy?: RevenuePeriod;

  @UuidProperty({ optional: true, description: 'occupancy and bookings only: only this workspace' })
  @OnlyFor('workspaceId', ['occupancy', 'bookings'])
  workspaceId?: string;
}
