import { ApiProblem, EventEnvelopeDto, EventReceiptDto, ServiceOnly } from '@cowork/service-kit';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventConsumer } from './event-consumer.service.js';

/** Called by booking-service's outbox relay only (service tokens). */
@ApiTags('internal')
@Controller('internal')
export class InternalEventsController {
  constructor(private readonly consumer: EventConsumer) {}

  @Post('events')
  @HttpCode(200)
  @ServiceOnly()
  @ApiOperation({
    summary: 'Deliver a booking event',
    description:
      'booking.confirmed, booking.cancelled, booking.rescheduled, payment.failed, refund.issued and booking.expired ' +
      'make an in-app notification for the booking’s user and, if their email preference is on, an email (sent ' +
      'afterwards by the dispatcher): 200 `applied`. booking.created, booking.deleted and unknown types are recorded ' +
      'and answered 200 `ignored`. Safe to retry: the event id is recorded in the same transaction as its ' +
      'notifications, so a redelivery, even one overlapping the first, answers 200 `duplicate` and changes nothing. ' +
      'A 200 is sent only after the notifications are committed. A refusal (400, 422) records nothing, so a retry ' +
      'after the producer or this service is fixed is applied normally.',
  })
  @ApiOkResponse({ type: EventReceiptDto })
  @ApiProblem(400, 'The envelope, or a payload field this event needs, is missing or malformed (VALIDATION_FAILED)')
  @ApiProblem(
    422,
    'A known event type in a schema version this service cannot read (UNSUPPORTED_EVENT_VERSION); nothing recorded',
  )
  receive(@Body() envelope: EventEnvelopeDto): Promise<EventReceiptDto> {
    return this.consumer.receive(envelope);
  }
}
