import { ApiProblem, EventEnvelopeDto, EventReceiptDto, ServiceOnly } from '@cowork/service-kit';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventsService } from './events.service.js';

/** Called by booking-service's outbox relay only (service tokens). */
@ApiTags('internal')
@Controller('internal')
export class InternalEventsController {
  constructor(private readonly events: EventsService) {}

  @Post('events')
  @HttpCode(200)
  @ServiceOnly()
  @ApiOperation({
    summary: 'Deliver one booking event to the read model',
    description:
      'Applies booking.created, booking.confirmed, booking.cancelled, booking.rescheduled, booking.deleted, ' +
      'booking.expired, payment.failed and refund.issued (schema version 1) to the read model, in one transaction ' +
      'with the event id. Safe to retry: a redelivery of an event id, even one overlapping the first, answers 200 ' +
      '`duplicate` and changes nothing. `applied`: this delivery changed the read model. `ignored`: a type this ' +
      "service does not act on (recorded, so a redelivery is `duplicate`), or an event whose sequence is not after the booking's last applied one (stale). " +
      'Every 200 is answered after the commit; a 4xx records nothing, so a retry after a fix starts afresh.',
  })
  @ApiOkResponse({ type: EventReceiptDto })
  @ApiProblem(
    400,
    'Malformed envelope, or a payload lacking what the read model needs (VALIDATION_FAILED; `errors` names each ' +
      'field, e.g. payload.booking.paidCents); nothing recorded',
  )
  @ApiProblem(
    422,
    'A version other than 1 of a known type (UNSUPPORTED_EVENT_VERSION); nothing recorded: deliver it again ' +
      'once this service reads that version',
  )
  receive(@Body() envelope: EventEnvelopeDto): Promise<EventReceiptDto> {
    return this.events.receive(envelope);
  }
}
