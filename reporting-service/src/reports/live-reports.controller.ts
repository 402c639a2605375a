import { ApiProblem, Roles } from '@cowork/service-kit';
import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AnalyticsService } from './analytics.service.js';
import { OccupancyDto, RevenueDto, SummaryDto } from './dto/analytics.dto.js';
import { OccupancyQuery, ReportRangeQuery, RevenueQuery } from './dto/report-queries.dto.js';
import { renderOccupancyChart } from './occupancy-chart.js';

const RANGE_PROBLEMS =
  'Invalid input, each field named in `errors` (VALIDATION_FAILED): from/to not instants with an offset, to not ' +
  'after from, an unknown value; or a range longer than REPORT_MAX_RANGE_DAYS (REPORT_RANGE_TOO_LONG, with ' +
  'maxRangeDays)';
const ADMINS = 'Admins only. Answered from the read model alone (what the events delivered so far say).';

/** Reports computed on request from the read model, for ranges up to REPORT_MAX_RANGE_DAYS. */
@ApiTags('reports')
@Controller('reports')
export class LiveReportsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('summary')
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Bookings by status, money captured and refunded, and the cancellation rate',
    description:
      `${ADMINS} Bookings count when they start in [from, to); money counts when it moved in [from, to) ` +
      '(captures positive, refunds negative, per currency: net equals what payment-service captured minus ' +
      'refunded).',
  })
  @ApiOkResponse({ type: SummaryDto })
  @ApiProblem(400, RANGE_PROBLEMS)
  summary(@Query() query: ReportRangeQuery): Promise<SummaryDto> {
    return this.analytics.summary(this.analytics.liveRange(query));
  }

  @Get('occupancy')
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Occupancy per workspace and local day',
    description:
      `${ADMINS} For each workspace and each of its local days (in its time zone) that intersects [from, to), ` +
      'clipped to the range: minutes open (its opening hours, DST-correct; open at all times: the whole day), ' +
      'minutes of that covered by CONFIRMED bookings, and their ratio. A workspace appears once an event about ' +
      'one of its bookings has arrived; opening hours and name are those of the latest such event. An unknown ' +
      'workspaceId gives an empty list.',
  })
  @ApiOkResponse({ type: OccupancyDto })
  @ApiProblem(400, RANGE_PROBLEMS)
  occupancy(@Query() query: OccupancyQuery): Promise<OccupancyDto> {
    return this.analytics.occupancy(this.analytics.liveRange(query), query.workspaceId);
  }

  @Get('occupancy.svg')
  @Roles('ADMIN')
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  @ApiOperation({
    summary: 'Occupancy as an SVG heat map',
    description:
      `${ADMINS} The figures of GET /reports/occupancy drawn server-side: a row per workspace, a cell per local ` +
      'day, darker when fuller, grey when closed. A range without data is an empty-state chart, not an error.',
  })
  @ApiOkResponse({ description: 'An SVG document', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiProblem(400, RANGE_PROBLEMS)
  async occupancyChart(@Query() query: OccupancyQuery): Promise<string> {
    const range = this.analytics.liveRange(query);
    const days = [];
    for await (const page of this.analytics.occupancyPages(range, query.workspaceId)) days.push(...page);
    return renderOccupancyChart(days, range);
  }

  @Get('revenue')
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Money captured and refunded per UTC day, ISO week or month, per currency',
    description: `${ADMINS} Aggregated from the money movements that occurred in [from, to).`,
  })
  @ApiOkResponse({ type: RevenueDto })
  @ApiProblem(400, RANGE_PROBLEMS)
  revenue(@Query() query: RevenueQuery): Promise<RevenueDto> {
    return this.analytics.revenue(this.analytics.liveRange(query), query.groupBy);
  }
}
