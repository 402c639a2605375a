import { DomainError } from '@cowork/service-kit';
import type { BookingRuleBreach } from '@cowork/workspace-rules';

export class BookingNotFoundError extends DomainError {
  constructor(id: string) {
    super('BOOKING_NOT_FOUND', 404, `Booking ${id} was not found`);
  }
}

/** The exclusion constraint refused an overlap with another active booking. */
export class BookingConflictError extends DomainError {
  constructor() {
    super('BOOKING_CONFLICT', 409, 'The workspace is already booked for part of this time');
  }
}

export class InvalidTimeRangeError extends DomainError {
  constructor(detail: string) {
    super('INVALID_TIME_RANGE', 400, detail);
  }
}

export class StartInPastError extends DomainError {
  constructor() {
    super('START_IN_PAST', 422, 'A booking cannot start in the past');
  }
}

/** A workspace rule the request breaks: inactive, capacity, duration, opening hours. */
export class BookingRuleError extends DomainError {
  constructor(breach: BookingRuleBreach) {
    super(breach.code, 422, breach.detail);
  }
}

export class InvalidBookingStateError extends DomainError {
  constructor(status: string, action: string) {
    // not `status`: that member of the problem document is the HTTP status code
    super('INVALID_BOOKING_STATE', 409, `A ${status} booking cannot be ${action}`, { bookingStatus: status });
  }
}

/** Someone changed the booking between our read and our write; the client may retry. */
export class BookingModifiedError extends DomainError {
  constructor() {
    super('BOOKING_MODIFIED', 409, 'The booking was changed by another request; read it again and retry');
  }
}
