import type { BookingEventPayload, BookingEventStatus, OpeningHoursEntry } from '@cowork/booking-events';
import type { Booking } from '../generated/prisma/client.js';

export { BOOKING_EVENT_SCHEMA_VERSION } from '@cowork/booking-events';
export type { BookingEventType } from '@cowork/booking-events';

export interface EventDetails {
  previous?: Pick<Booking, 'startTime' | 'endTime' | 'priceCents'>;
  refundCents?: number;
  declineCode?: string;
}

export function bookingEventPayload(
  booking: Booking,
  actorId: string,
  details: EventDetails = {},
): BookingEventPayload {
  const { previous, refundCents, declineCode } = details;
  return {
    booking: {
      id: booking.id,
      userId: booking.userId,
      workspaceId: booking.workspaceId,
      startTime: booking.startTime.toISOString(),
      endTime: booking.endTime.toISOString(),
      attendees: booking.attendees,
      status: booking.status as BookingEventStatus,
      priceCents: booking.priceCents,
      currency: booking.currency,
      paidCents: booking.paidCents,
      version: booking.version,
      createdAt: booking.createdAt.toISOString(),
    },
    user: { id: booking.userId, email: booking.userEmail, fullName: booking.userFullName },
    workspace: {
      id: booking.workspaceId,
      name: booking.workspaceName,
      timezone: booking.workspaceTimezone,
      openingHours: (booking.workspaceOpeningHours as OpeningHoursEntry[] | null) ?? null,
    },
    actorId,
    ...(previous
      ? {
          previous: {
            startTime: previous.startTime.toISOString(),
            endTime: previous.endTime.toISOString(),
            priceCents: previous.priceCents,
          },
        }
      : {}),
    ...(refundCents !== undefined ? { refundCents } : {}),
    ...(declineCode !== undefined ? { declineCode } : {}),
  };
}
