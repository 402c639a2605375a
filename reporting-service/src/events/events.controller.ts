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

  @EventBatchEndpoint({
    summary: 'Deliver a batch of booking events to the read model',
    description:
      'Applies the events of the list in the order given, each with the outcome `POST /internal/events` would ' +
      'give it delivered alone in that order, and answers one receipt per event, in order: `applied`, ' +
      '`duplicate`, `ignored` (unknown type, or stale), or `rejected` with the `status`, `code` and `detail` the ' +
      'single endpoint would have answered (400 VALIDATION_FAILED, 422 UNSUPPORTED_EVENT_VERSION; nothing recorded ' +
      'for it). A malformed or refused event does not hold back the others. The events that are not refused are ' +
      'applied together in one transaction with their event ids; should that fail (the database failing), they are ' +
      'applied one by one instead, each in its own transaction as by the single endpoint. Safe to retry, whole or ' +
      'in part: every event is deduplicated by its id, so a redelivered event answers `duplicate` and changes ' +
      'nothing. Taken one by one, an unexpected error stops the batch at its event: the receipts of the events ' +
      'before it are answered and the rest is not recorded, to be delivered again; on the first event the error is ' +
      'answered as by the single endpoint (5xx). Every receipt is answered after its commit.',
  })
  receiveBatch(@EventBatchEvents() events: unknown[]): Promise<EventBatchReceiptsDto> {
    return receiveEventBatch(events, (envelope) => this.events.receive(envelope), this.events.batch);
  }
}
