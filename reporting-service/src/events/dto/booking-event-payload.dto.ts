import type { BookingEventStatus, OpeningHoursEntry } from '@cowork/booking-events';
import { INSTANT_WITH_OFFSET } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export const BOOKING_STATUSES: readonly BookingEventStatus[] = [
  'PENDING',
  'CONFIRMED',
  'CANCELLED',
  'PAYMENT_FAILED',
  'EXPIRED',
];

/** Amounts fit a PostgreSQL integer with room to spare, as in payment-service. */
const MAX_AMOUNT_CENTS = 1_000_000_000;

const Instant = () => Matches(INSTANT_WITH_OFFSET, { message: '$property must be an ISO-8601 instant with an offset' });

const Money = () => (target: object, property: string) => {
  IsInt()(target, property);
  Min(0)(target, property);
  Max(MAX_AMOUNT_CENTS)(target, property);
};

export class EventBookingDto {
  @IsUUID('all')
  id: string;

  @IsUUID('all')
  userId: string;

  @IsUUID('all')
  workspaceId: string;

  @IsString()
  @Instant()
  startTime: string;

  @IsString()
  @Instant()
  endTime: string;

  @IsInt()
  @Min(1)
  @Max(100_000)
  attendees: number;

  @IsIn(BOOKING_STATUSES, { message: `$property must be one of ${BOOKING_STATUSES.join(', ')}` })
  status: BookingEventStatus;

  @Money()
  priceCents: number;

  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: '$property must be three upper-case letters (ISO 4217)' })
  currency: string;

  @Money()
  paidCents: number;

  @IsString()
  @Instant()
  createdAt: string;
}

export class EventOpeningHoursDto implements OpeningHoursEntry {
  @IsInt()
  day: number;

  @IsString()
  open: string;

  @IsString()
  close: string;
}

export class EventWorkspaceDto {
  @IsUUID('all')
  id: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @IsString()
  timezone: string;

  /** null (open at all times) is a value; a missing key is not, or occupancy would guess */
  @ValidateIf((_, value) => value !== null)
  @IsArray({ message: '$property must be an array of {day, open, close}, or null (open at all times)' })
  @ValidateNested({ each: true })
  @Type(() => EventOpeningHoursDto)
  openingHours: EventOpeningHoursDto[] | null;
}

/**
 * What this consumer reads of a booking event's payload (schema version 1), checked before
 * anything is written. Only the fields the read model needs are required; the rest of the
 * contract (user, actorId, previous, declineCode) may be present and is not looked at.
 * Not part of the HTTP schema: the envelope documents `payload` as an object and points at
 * the event catalogue; this class is the validation.
 */
export class BookingEventPayloadDto {
  @IsObject()
  @ValidateNested()
  @Type(() => EventBookingDto)
  booking: EventBookingDto;

  @IsObject()
  @ValidateNested()
  @Type(() => EventWorkspaceDto)
  workspace: EventWorkspaceDto;

  /** refund.issued: the amount refunded now; booking.cancelled: the refund the policy grants */
  @IsOptional()
  @Money()
  refundCents?: number;
}
