import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidationFailedError } from '../errors/domain-error.js';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString } from 'class-validator';
import { EVENT_OUTCOMES, EventEnvelopeDto } from './event-envelope.dto.js';

/** The most events one `POST /internal/events/batch` carries (a relay sends larger shares in several calls). */
export const EVENT_BATCH_MAX_EVENTS = 200;

/**
 * What a relay POSTs to a subscriber's `POST /internal/events/batch`. Only the list itself is
 * validated here: each element is validated on its own (receiveEventBatch), so one malformed
 * envelope is refused in its receipt and does not fail the others.
 */
export class EventBatchDto {
  @ApiProperty({
    type: [EventEnvelopeDto],
    minItems: 1,
    maxItems: EVENT_BATCH_MAX_EVENTS,
    description:
      'Event envelopes in the order to apply them (the producer sends at most one event per aggregate and ' +
      'subscriber in a batch). Each is validated and applied on its own, exactly as by `POST /internal/events`.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_BATCH_MAX_EVENTS)
  events!: unknown[];
}

export const EVENT_BATCH_OUTCOMES = [...EVENT_OUTCOMES, 'rejected'] as const;
export type EventBatchOutcome = (typeof EVENT_BATCH_OUTCOMES)[number];

/** One event's answer within a batch: what `POST /internal/events` would have answered for it alone. */
export class EventBatchReceiptDto {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "The event's id as sent; null when a rejected envelope carried no id",
  })
  @IsOptional()
  @IsString()
  eventId!: string | null;

  @ApiProperty({
    enum: EVENT_BATCH_OUTCOMES,
    description:
      'applied: this delivery changed the read model; duplicate: the event id was seen before, nothing changed; ' +
      'ignored: a type this consumer does not act on, or an event older than what it already applied; ' +
      'rejected: refused as the single endpoint would refuse it (400 or 422), nothing recorded',
  })
  @IsIn(EVENT_BATCH_OUTCOMES)
  outcome!: EventBatchOutcome;

  @ApiPropertyOptional({
    type: 'integer',
    example: 422,
    description: 'rejected only: the status `POST /internal/events` would answer (400 or 422)',
  })
  @IsOptional()
  @IsInt()
  status?: number;

  @ApiPropertyOptional({
    example: 'UNSUPPORTED_EVENT_VERSION',
    description: 'rejected only: the problem code (VALIDATION_FAILED, UNSUPPORTED_EVENT_VERSION)',
  })
  @IsOptional()
  @IsString()
  code?: string;

  @ApiPropertyOptional({
    example: 'booking.confirmed version 2 is not supported (this consumer reads version 1)',
    description: 'rejected only: what is wrong; names each invalid field for VALIDATION_FAILED',
  })
  @IsOptional()
  @IsString()
  detail?: string;
}

/** The answer (200) to a batch: one receipt per event handled, in the order sent. */
export class EventBatchReceiptsDto {
  @ApiProperty({
    type: [EventBatchReceiptDto],
    description:
      'One receipt per event, in the order sent. Fewer receipts than events: the consumer stopped at an ' +
      'unexpected error (its database failing, say) on the event after the last receipt; that event and the ' +
      'ones after it were not recorded: deliver them again.',
  })
  @IsArray()
  receipts!: EventBatchReceiptDto[];
}

/**
 * The `events` of a `POST /internal/events/batch` body, checked to be a list of 1 to
 * EVENT_BATCH_MAX_EVENTS (else 400 VALIDATION_FAILED naming `events`); document the body with
 * `@ApiBody({ type: EventBatchDto })`. Not through the global ValidationPipe: it would deep-copy
 * every event and its payload, the largest cost of a batch (bench/README.md), before each event is
 * validated on its own anyway (receiveEventBatch).
 */
export const EventBatchEvents = createParamDecorator((_data: unknown, context: ExecutionContext): unknown[] => {
  const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
  const events = (body as { events?: unknown } | null | undefined)?.events;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ValidationFailedError.forField('body', 'the body must be an object {events: [...]}');
  }
  const unknownFields = Object.keys(body).filter((key) => key !== 'events');
  if (unknownFields.length > 0) {
    throw ValidationFailedError.forField(unknownFields[0]!, `property ${unknownFields[0]} should not exist`);
  }
  if (!Array.isArray(events) || events.length < 1 || events.length > EVENT_BATCH_MAX_EVENTS) {
    throw ValidationFailedError.forField('events', `events must be an array of 1 to ${EVENT_BATCH_MAX_EVENTS} events`);
  }
  return events;
});
