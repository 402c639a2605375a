import { InstantProperty, PageQuery, UuidProperty } from '@cowork/service-kit';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, ValidateBy } from 'class-validator';
import { ReportStatus, ReportType, RevenuePeriod } from '../../generated/prisma/enums.js';

export const REPORT_TYPES = Object.values(ReportType);
export const REPORT_STATUSES = Object.values(ReportStatus);
export const REVENUE_PERIODS = Object.values(RevenuePeriod);

/** `to` is after `from` (both instants; each field's own validators report a malformed one). */
export const IsAfterFrom = () =>
  ValidateBy({
    name: 'isAfterFrom',
    validator: {
      validate: (value, args) => {
        const from = Date.parse(String((args?.object as { from?: unknown }).from));
        const to = Date.parse(String(value));
        return Number.isNaN(from) || Number.isNaN(to) || to > from;
      },
      defaultMessage: () => 'to must be after from (the range is half-open: [from, to))',
    },
  });

const RANGE_HINT = 'ISO-8601 instant with an offset (in a query string, encode "+" as %2B)';

export class ReportRangeQuery {
  @InstantProperty({ description: `Start of the range, inclusive. ${RANGE_HINT}` })
  from: string;

  @InstantProperty({ description: `End of the range, exclusive; after from. ${RANGE_HINT}` })
  @IsAfterFrom()
  to: string;
}

export class OccupancyQuery extends ReportRangeQuery {
  @UuidProperty({ optional: true, description: 'Only this workspace' })
  workspaceId?: string;
}

export class RevenueQuery extends ReportRangeQuery {
  @ApiPropertyOptional({
    enum: REVENUE_PERIODS,
    enumName: 'RevenuePeriod',
    default: 'day',
    description: 'Bucket size, in UTC; weeks are ISO weeks (starting on Monday)',
  })
  @IsOptional()
  @IsIn(REVENUE_PERIODS, { message: `groupBy must be one of: ${REVENUE_PERIODS.join(', ')}` })
  groupBy: RevenuePeriod = 'day';
}

export class ListReportsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REPORT_STATUSES, enumName: 'ReportStatus', description: 'Only reports in this state' })
  @IsOptional()
  @IsIn(REPORT_STATUSES, { message: `status must be one of: ${REPORT_STATUSES.join(', ')}` })
  status?: ReportStatus;

  @ApiPropertyOptional({ enum: REPORT_TYPES, enumName: 'ReportType', description: 'Only reports of this type' })
  @IsOptional()
  @IsIn(REPORT_TYPES, { message: `type must be one of: ${REPORT_TYPES.join(', ')}` })
  type?: ReportType;
}
