/**
 * What booking-service publishes (schema version 1). Producer and consumers import these types
 * from here, so a change to the contract is a change to one file that every side compiles against.
 */

/**
 * Every event on the wire: an element of `events` in POST /internal/events/batch (or the body of
 * POST /internal/events) on each subscriber.
 */
export interface EventEnvelope<P = unknown> {
  /** unique per event; consumers deduplicate by it */
  id: string;
  type: string;
  /** schema version of the payload; a consumer refuses a version it does not know (422) */
  version: number;
  /** when the change happened (UTC instant) */
  occurredAt: string;
  /** the service that wrote it, e.g. booking-service */
  source: string;
  /** the booking the event is about; events of one aggregate arrive in `sequence` order */
  aggregateId: string;
  /** the producer's outbox position: increases with every event the producer writes */
  sequence: number;
  payload: P;
}

export const BOOKING_EVENT_TYPES = [
  'booking.created',
  'booking.confirmed',
  'booking.cancelled',
  'booking.rescheduled',
  'booking.deleted',
  'booking.expired',
  'payment.failed',
  'refund.issued',
] as const;

export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];

export const BOOKING_EVENT_SCHEMA_VERSION = 1;

export type BookingEventStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'PAYMENT_FAILED' | 'EXPIRED';

/** Opening hours as workspace-service defines them: ISO weekday 1..7, local "HH:MM". */
export interface OpeningHoursEntry {
  day: number;
  open: string;
  close: string;
}

/**
 * What every booking event carries: enough for a consumer to act without calling back
 * (who to notify and how to address them, what was booked, when the place is open, in which
 * time zone, for how much, and what money the booking holds after the change).
 */
export interface BookingEventPayload {
  booking: {
    id: string;
    userId: string;
    workspaceId: string;
    /** half-open [startTime, endTime), UTC instants */
    startTime: string;
    endTime: string;
    attendees: number;
    status: BookingEventStatus;
    priceCents: number;
    currency: string;
    /** money captured for the booking net of refunds, after this change (minor units) */
    paidCents: number;
    version: number;
    createdAt: string;
  };
  user: { id: string; email: string; fullName: string };
  workspace: {
    id: string;
    name: string;
    /** IANA time zone: render times and cut days in it */
    timezone: string;
    /** as captured when the booking was made; null means open at all times */
    openingHours: OpeningHoursEntry[] | null;
  };
  /** who caused the change: the user id, an admin's id, or "system" (the sweeper) */
  actorId: string;
  /** booking.rescheduled: the times and price before */
  previous?: { startTime: string; endTime: string; priceCents: number };
  /** refund.issued: the amount refunded now; booking.cancelled: the refund the policy grants */
  refundCents?: number;
  /** payment.failed: the provider's decline code */
  declineCode?: string;
}

export type BookingEvent = EventEnvelope<BookingEventPayload>;

export function isBookingEventType(type: string): type is BookingEventType {
  return (BOOKING_EVENT_TYPES as readonly string[]).includes(type);
}
