import type { Booking } from '../generated/prisma/client.js';

export type BookingEventType =
  | 'booking.created'
  | 'booking.confirmed'
  | 'booking.cancelled'
  | 'booking.rescheduled'
  | 'booking.deleted'
  | 'booking.expired'
  | 'payment.failed'
  | 'refund.issued';

export const BOOKING_EVENT_SCHEMA_VERSION = 1;

/**
 * What every booking event carries: enough for a consumer to act without calling back
 * (who to notify and how to address them, what was booked, in which time zone, for how much).
 */
export interface BookingEventPayload {
  booking: {
    id: string;
    userId: string;
    workspaceId: string;
    startTime: string;
    endTime: string;
    attendees: number;
    status: string;
    priceCents: number;
    currency: string;
    version: number;
    createdAt: string;
  };
  user: { id: string; email: string; fullName: string };
  workspace: { id: string; name: string; timezone: string };
  /** who caused the change: the user id, or the admin's */
  actorId: string;
  /** booking.rescheduled: the times and price before */
  previous?: { startTime: string; endTime: string; priceCents: number };
  /** refund.issued: the amount refunded now; booking.cancelled: the refund the policy grants */
  refundCents?: number;
  /** payment.failed: the provider's decline code */
  declineCode?: string;
}

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
      status: booking.status,
      priceCents: booking.priceCents,
      currency: booking.currency,
      version: booking.version,
      createdAt: booking.createdAt.toISOString(),
    },
    user: { id: booking.userId, email: booking.userEmail, fullName: booking.userFullName },
    workspace: { id: booking.workspaceId, name: booking.workspaceName, timezone: booking.workspaceTimezone },
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
