import { ApiProblem, ApiUuidParam, CurrentPrincipal, Page, Roles, UuidParam } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListOutboxQuery, OutboxEventDto, OutboxEventPageDto } from './dto/outbox.dto.js';
import { OutboxService } from './outbox.service.js';

@ApiTags('outbox')
@Controller('internal/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Outbox events and their deliveries, newest first (admin)',
    description: 'Filter with status=DEAD to see what the relay gave up on, and why (lastError).',
  })
  @ApiOkResponse({ type: OutboxEventPageDto })
  list(@Query() query: ListOutboxQuery): Promise<Page<OutboxEventDto>> {
    return this.outbox.list(query);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('ADMIN')
  @ApiOperation({
    summary: "Re-drive an event's DEAD deliveries (admin)",
    description:
      'Puts every DEAD delivery of the event back in the queue with a fresh attempt budget; the relay ' +
      'delivers it on its next pass, and later events of the same booking follow. Retry: safe; an event ' +
      'with no DEAD delivery is returned unchanged. Consumers deduplicate by event id, so a re-drive ' +
      'never applies an event twice.',
  })
  @ApiOkResponse({ type: OutboxEventDto })
  @ApiUuidParam('id', 'The event id')
  @ApiProblem(404, 'No such event (OUTBOX_EVENT_NOT_FOUND)')
  retry(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<OutboxEventDto> {
    return this.outbox.retry(id, principal.userId);
  }
}
