import type { BookingEventPayload, EventEnvelope } from '@cowork/booking-events';
import { randomUUID } from 'node:crypto';

export type TestEvent = EventEnvelope<BookingEventPayload>;

export interface Recipient {
  id: string;
  email: string;
  fullName: string;
}

/** A user an event can be about, with a unique address (so suites can find their own mail). */
export function recipient(overrides: Partial<Recipient> = {}): Recipient {
  const id = overrides.id ?? randomUUID();
  return { id, email: `member-${id.slice(0, 8)}@example.com`, fullName: 'Ada Lovelace', ...overrides };
}

/** What each event type adds to the common payload, per the contract (@cowork/booking-events). */
const EXTRAS: Record<string, Partial<BookingEventPayload>> = {
  'booking.cancelled': { refundCents: 5000 },
  'booking.rescheduled': {
    previous: { startTime: '2026-11-30T08:00:00.000Z', endTime: '2026-11-30T10:00:00.000Z', priceCents: 4000 },
  },
  'payment.failed': { declineCode: 'insufficient_funds' },
  'refund.issued': { refundCents: 2500 },
};

const STATUS: Record<string, BookingEventPayload['booking']['status']> = {
  'booking.created': 'PENDING',
  'booking.cancelled': 'CANCELLED',
  'payment.failed': 'PAYMENT_FAILED',
  'booking.expired': 'EXPIRED',
};

let sequence = 0;

/**
 * A booking event as booking-service's relay delivers it: a 2-hour booking of "Lovelace Room"
 * (Europe/Berlin, open 08:00-20:00 every day), Monday 30 Nov 2026 10:00-12:00 local, 5000 EUR,
 * paid. `payload` overrides parts of the payload (booking, user, workspace are merged one level deep).
 */
export function bookingEvent(
  type: string,
  options: {
    user?: Recipient;
    bookingId?: string;
    version?: number;
    payload?: Partial<Omit<BookingEventPayload, 'booking' | 'user' | 'workspace'>> & {
      booking?: Partial<BookingEventPayload['booking']>;
      user?: Partial<BookingEventPayload['user']>;
      workspace?: Partial<BookingEventPayload['workspace']>;
    };
  } = {},
): TestEvent {
  const user = options.user ?? recipient();
  const bookingId = options.bookingId ?? randomUUID();
  const workspaceId = randomUUID();
  const { booking, user: userOverrides, workspace, ...rest } = options.payload ?? {};
  return {
    id: randomUUID(),
    type,
    version: options.version ?? 1,
    occurredAt: new Date().toISOString(),
    source: 'booking-service',
    aggregateId: bookingId,
    sequence: ++sequence,
    payload: {
      booking: {
        id: bookingId,
        userId: user.id,
        workspaceId,
        startTime: '2026-11-30T09:00:00.000Z',
        endTime: '2026-11-30T11:00:00.000Z',
        attendees: 2,
        status: STATUS[type] ?? 'CONFIRMED',
        priceCents: 5000,
        currency: 'EUR',
        paidCents: type === 'payment.failed' || type === 'booking.expired' ? 0 : 5000,
        version: 2,
        createdAt: '2026-11-25T10:00:00.000Z',
        ...booking,
      },
      user: { id: user.id, email: user.email, fullName: user.fullName, ...userOverrides },
      workspace: {
        id: workspaceId,
        name: 'Lovelace Room',
        timezone: 'Europe/Berlin',
        openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '20:00' })),
        ...workspace,
      },
      actorId: user.id,
      ...EXTRAS[type],
      ...rest,
    },
  };
}

/** A copy of the event with a field of its payload removed (path like "user.email"). */
export function without(event: TestEvent, path: string): TestEvent {
  const copy = structuredClone(event);
  const keys = path.split('.');
  let target = copy.payload as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  delete target[keys[keys.length - 1]!];
  return copy;
}

/** The event types that notify, with the notification type each makes. */
export const NOTIFYING: [string, string][] = [
  ['booking.confirmed', 'BOOKING_CONFIRMED'],
  ['booking.cancelled', 'BOOKING_CANCELLED'],
  ['booking.rescheduled', 'BOOKING_RESCHEDULED'],
  ['payment.failed', 'PAYMENT_FAILED'],
  ['refund.issued', 'REFUND_ISSUED'],
  ['booking.expired', 'HOLD_EXPIRED'],
];
