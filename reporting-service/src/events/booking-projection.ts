import type { BookingEventStatus, BookingEventType, OpeningHoursEntry } from '@cowork/booking-events';

/** One booking event as the read model applies it (validated, dates parsed). */
export interface BookingChange {
  event: { id: string; type: BookingEventType; source: string; sequence: number; occurredAt: Date };
  booking: {
    id: string;
    userId: string;
    workspaceId: string;
    status: BookingEventStatus;
    startTime: Date;
    endTime: Date;
    attendees: number;
    priceCents: number;
    currency: string;
    /** captured net of refunds after the change */
    paidCents: number;
    createdAt: Date;
  };
  workspace: { id: string; name: string; timezone: string; openingHours: OpeningHoursEntry[] | null };
}

/** A booking as the read model keeps it. */
export interface ProjectedBooking {
  bookingId: string;
  userId: string;
  workspaceId: string;
  status: BookingEventStatus;
  startTime: Date;
  endTime: Date;
  attendees: number;
  priceCents: number;
  currency: string;
  paidCents: number;
  bookingCreatedAt: Date;
  confirmedAt: Date | null;
  cancelledAt: Date | null;
  deletedAt: Date | null;
  lastSequence: number;
}

export type Projection =
  | { kind: 'stale' }
  /** movementCents: the signed change of captured money this event carries (0: none) */
  | { kind: 'apply'; booking: ProjectedBooking; movementCents: number };

/**
 * What one event does to the read model, given the booking as it stands (null: never seen).
 * Events of a booking apply in sequence order only: one at or below the last applied is stale.
 * The booking takes the event's state as a whole (every payload carries all of it), so a
 * consumer that starts late, or misses nothing but an event it already had, converges.
 * The money effect is the change of paidCents against what is stored (0 for a new booking):
 * confirmations, reschedules to either side, refunds and reconciliations all come out right,
 * and the sum of movements equals what payment-service captured minus what it refunded.
 */
export function projectBookingChange(current: ProjectedBooking | null, change: BookingChange): Projection {
  const { event, booking } = change;
  if (current && event.sequence <= current.lastSequence) return { kind: 'stale' };
  const at = event.occurredAt;
  return {
    kind: 'apply',
    movementCents: booking.paidCents - (current?.paidCents ?? 0),
    booking: {
      bookingId: booking.id,
      userId: booking.userId,
      workspaceId: booking.workspaceId,
      status: booking.status,
      startTime: booking.startTime,
      endTime: booking.endTime,
      attendees: booking.attendees,
      priceCents: booking.priceCents,
      currency: booking.currency,
      paidCents: booking.paidCents,
      bookingCreatedAt: booking.createdAt,
      // the first confirmation and cancellation are kept; a later event about the booking keeps them too
      confirmedAt: current?.confirmedAt ?? (event.type === 'booking.confirmed' ? at : null),
      cancelledAt: current?.cancelledAt ?? (event.type === 'booking.cancelled' ? at : null),
      deletedAt: current?.deletedAt ?? (event.type === 'booking.deleted' ? at : null),
      lastSequence: event.sequence,
    },
  };
}
