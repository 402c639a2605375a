import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from '../errors/domain-error.js';
import { InstantProperty, UuidProperty } from '../validation/decorators.js';

/**
 * The envelope a producer's relay POSTs to a subscriber: alone to `POST /internal/events`, or a
 * list of them to `POST /internal/events/batch` (the contract's type lives in
 * @cowork/booking-events; this is its validation and docs).
 */
export class EventEnvelopeDto {
  @UuidProperty({ description: 'Unique per event; consumers deduplicate by it' })
  id!: string;

  @ApiProperty({ example: 'booking.confirmed', maxLength: 64 })
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z]+(\.[a-z_]+)+$/, { message: '$property must look like "booking.confirmed"' })
  type!: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'Schema version of the payload' })
  @IsInt()
  @Min(1)
  @Max(1000)
  version!: number;

  @InstantProperty({ description: 'When the change happened' })
  occurredAt!: string;

  @ApiProperty({ example: 'booking-service', maxLength: 64 })
  @IsString()
  @MaxLength(64)
  source!: string;

  @UuidProperty({ description: 'The aggregate (booking) the event is about' })
  aggregateId!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: "The producer's outbox position" })
  @IsInt()
  @Min(1)
  sequence!: number;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Type-specific, see the event catalogue' })
  @IsObject()
  payload!: Record<string, unknown>;
}

export const EVENT_OUTCOMES = ['applied', 'duplicate', 'ignored'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

/** What a consumer answers (200) once an event is safely stored; the relay marks it delivered. */
export class EventReceiptDto {
  @UuidProperty()
  eventId!: string;

  @ApiProperty({
    enum: EVENT_OUTCOMES,
    description:
      'applied: this delivery changed the read model; duplicate: the event id was seen before, nothing changed; ignored: a type this consumer does not act on, or an event older than what it already applied',
  })
  @IsIn(EVENT_OUTCOMES)
  outcome!: EventOutcome;
}

/** A payload version this consumer cannot read yet; the relay retries it, and parks it if it never can. */
export class UnsupportedEventVersionError extends DomainError {
  constructor(type: string, version: number, supported: number) {
    super(
      'UNSUPPORTED_EVENT_VERSION',
      422,
      `${type} version ${version} is not supported (this consumer reads version ${supported})`,
      { eventType: type, version, supportedVersion: supported },
    );
  }
}
