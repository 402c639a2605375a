import { ApiProblem, Public } from '@cowork/service-kit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AvailabilityService } from './availability.service.js';
import { AvailabilityDto, AvailabilityQuery } from './dto/availability.dto.js';

@ApiTags('availability')
@Controller('availability')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Free intervals of a workspace: inside its opening hours and not booked',
    description: 'Public, like the catalogue. An inactive workspace has no free intervals.',
  })
  @ApiOkResponse({ type: AvailabilityDto })
  @ApiProblem(404, 'WORKSPACE_NOT_FOUND')
  @ApiProblem(503, 'workspace-service is unavailable (DEPENDENCY_UNAVAILABLE)')
  get(@Query() query: AvailabilityQuery): Promise<AvailabilityDto> {
    return this.availability.freeIntervals(query);
  }
}
