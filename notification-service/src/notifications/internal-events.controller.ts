import {
  ApiProblem,
  EventBatchEndpoint,
  EventBatchEvents,
  EventBatchReceiptsDto,
  EventEnvelopeDto,
  EventReceiptDto,
  receiveEventBatch,
  ServiceOnly,
} from '@cowork/service-kit';
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

  @EventBatchEndpoint({
    summary: 'Deliver a batch of booking events',
    description:
      'Checks each event of the list exactly as `POST /internal/events` would and applies all the accepted ones ' +
      'together in one transaction (their event ids, notifications and emails), leaving the same rows as ' +
      'delivering them one by one in the order given. Answers one receipt per event, in order: `applied`, ' +
      '`duplicate`, `ignored`, or `rejected` with the `status`, `code` and `detail` the single endpoint would have ' +
      'answered (400 VALIDATION_FAILED, 422 UNSUPPORTED_EVENT_VERSION; nothing recorded for it). A malformed or ' +
      'refused event does not hold back the others. Safe to retry, whole or in part: every event is deduplicated ' +
      'by its id, so a redelivered event answers `duplicate` and changes nothing. Should the transaction of the ' +
      'whole batch fail, the events are taken one by one, each in its own transaction as by the single endpoint: ' +
      'an unexpected error (the database failing) then stops the batch at that event, the receipts of the events ' +
      'before it are answered and the rest is not recorded, to be delivered again; on the first event the error is ' +
      'answered as by the single endpoint (5xx).',
  })
  receiveBatch(@EventBatchEvents() events: unknown[]): Promise<EventBatchReceiptsDto> {
    return receiveEventBatch(events, (envelope) => this.consumer.receive(envelope), this.consumer.batch);
  }
}
