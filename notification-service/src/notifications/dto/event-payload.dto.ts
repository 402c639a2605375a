import type { BookingEventPayload } from '@cowork/booking-events';
import { flattenViolations, INSTANT_WITH_OFFSET, ValidationFailedError } from '@cowork/service-kit';
import { isValidTimeZone, openingHoursViolations, OpeningRange } from '@cowork/workspace-rules';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsInt,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { NotificationType } from '../../generated/prisma/enums.js';

/*
 * What this consumer needs of a booking event's payload (the contract is @cowork/booking-events,
 * schema version 1). Only these fields are checked: fields it does not read may change or grow
 * without breaking it. A payload that lacks one is refused with 400 naming `payload.<field>`.
 */

const Instant = () => Matches(INSTANT_WITH_OFFSET, { message: '$property must be an ISO-8601 instant with an offset' });
const MinorUnits = () => [IsInt(), Min(0)];
const applyAll =
  (...decorators: PropertyDecorator[]) =>
  (target: object, property: string) =>
    decorators.forEach((d) => d(target, property));

class EventBookingDto {
  @IsUUID('all')
  id!: string;

  @IsUUID('all')
  userId!: string;

  @Instant()
  startTime!: string;

  @Instant()
  endTime!: string;

  @IsInt()
  @Min(1)
  attendees!: number;

  @applyAll(...MinorUnits())
  priceCents!: number;

  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: '$property must be an ISO 4217 code such as EUR' })
  currency!: string;

  @applyAll(...MinorUnits())
  paidCents!: number;
}

class EventUserDto {
  @IsEmail({}, { message: '$property must be an email address' })
  @MaxLength(320)
  email!: string;

  @IsString()
  @MaxLength(500)
  fullName!: string;
}

class EventWorkspaceDto {
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  name!: string;

  @ValidateBy({
    name: 'ianaTimeZone',
    validator: {
      validate: (value) => typeof value === 'string' && isValidTimeZone(value),
      defaultMessage: () => '$property must be an IANA time zone such as Europe/Berlin',
    },
  })
  timezone!: string;

  /** null or absent: open at all times */
  @ValidateBy({
    name: 'openingHours',
    validator: {
      validate: (value) =>
        value === null ||
        value === undefined ||
        (Array.isArray(value) &&
          value.every((h) => typeof h === 'object' && h !== null) &&
          openingHoursViolations(value as OpeningRange[]).length === 0),
      defaultMessage: () => '$property must be null or a list of {day: 1..7, open: "HH:MM", close: "HH:MM"}',
    },
  })
  openingHours!: BookingEventPayload['workspace']['openingHours'];
}

class EventPreviousDto {
  @Instant()
  startTime!: string;

  @Instant()
  endTime!: string;

  @applyAll(...MinorUnits())
  priceCents!: number;
}

const nested = (type: () => new () => object) => applyAll(IsDefined(), IsObject(), ValidateNested(), Type(type));

class NotifyingPayloadDto {
  @nested(() => EventBookingDto)
  booking!: EventBookingDto;

  @nested(() => EventUserDto)
  user!: EventUserDto;

  @nested(() => EventWorkspaceDto)
  workspace!: EventWorkspaceDto;

  @IsString()
  @MinLength(1)
  @MaxLength(64)
  actorId!: string;
}

class CancelledPayloadDto extends NotifyingPayloadDto {
  /** the refund the cancellation policy grants (0 when none) */
  @applyAll(...MinorUnits())
  refundCents!: number;
}

class RescheduledPayloadDto extends NotifyingPayloadDto {
  @nested(() => EventPreviousDto)
  previous!: EventPreviousDto;
}

class PaymentFailedPayloadDto extends NotifyingPayloadDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  declineCode!: string;
}

class RefundIssuedPayloadDto extends NotifyingPayloadDto {
  /** the money returned now */
  @IsInt()
  @Min(1)
  refundCents!: number;
}

const PAYLOAD_SHAPES: Record<NotificationType, new () => NotifyingPayloadDto> = {
  BOOKING_CONFIRMED: NotifyingPayloadDto,
  BOOKING_CANCELLED: CancelledPayloadDto,
  BOOKING_RESCHEDULED: RescheduledPayloadDto,
  PAYMENT_FAILED: PaymentFailedPayloadDto,
  REFUND_ISSUED: RefundIssuedPayloadDto,
  HOLD_EXPIRED: NotifyingPayloadDto,
};

/**
 * The payload of an event that makes a `type` notification, checked for everything the
 * notification needs; throws 400 VALIDATION_FAILED naming every `payload.*` field that is wrong.
 */
export function notifyingPayload(
  type: NotificationType,
  payload: Record<string, unknown>,
  aggregateId: string,
): BookingEventPayload {
  const parsed = plainToInstance(PAYLOAD_SHAPES[type], payload);
  const violations = flattenViolations(validateSync(parsed, { forbidUnknownValues: false }), 'payload');
  if (violations.length === 0) {
    const { booking } = parsed;
    if (Date.parse(booking.endTime) <= Date.parse(booking.startTime)) {
      violations.push({ field: 'payload.booking.endTime', messages: ['endTime must be after startTime'] });
    }
    if (booking.id !== aggregateId) {
      violations.push({ field: 'payload.booking.id', messages: ['booking.id must equal the aggregateId'] });
    }
  }
  if (violations.length > 0) throw new ValidationFailedError(violations);
  // the original object (not the class instance): templates read what the producer sent
  return payload as unknown as BookingEventPayload;
}
