import { Roles } from '@cowork/service-kit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BearerToken } from '../auth/bearer-token.decorator.js';
import { DashboardService } from './dashboard.service.js';
import { DashboardDto, DashboardQuery } from './dto/dashboard.dto.js';

@ApiTags('admin: dashboard')
@Controller('admin/dashboard')
@Roles('ADMIN')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @ApiOperation({
    summary: 'Users, bookings and occupancy of a period at a glance',
    description:
      "user-service's user statistics and reporting-service's summary and occupancy of [from, to), fetched in " +
      'parallel. Always 200 for a valid period: a part that cannot be fetched (down, slow, failing) is null and ' +
      'named in `missing`. 400 when from or to is not an instant with an offset, from is not before to, or the ' +
      'period is longer than 366 days.',
  })
  @ApiOkResponse({ type: DashboardDto })
  get(@Query() query: DashboardQuery, @BearerToken() token: string): Promise<DashboardDto> {
    return this.dashboard.dashboard(query, token);
  }
}
