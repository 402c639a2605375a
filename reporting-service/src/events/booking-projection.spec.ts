import { BookingChange, ProjectedBooking, projectBookingChange } from './booking-projection.js';

const T = (h: number) => new Date(Date.UTC(2031, 0, 6, h));

function change(
  type: BookingChange['event']['type'],
  sequence: number,
  booking: Partial<BookingChange['booking']> = {},
): BookingChange {
  return {
    event: { id: `e-${sequence}`, type, source: 'booking-service', sequence, occurredAt: T(sequence) },
    booking: {
      id: 'b-1',
      userId: 'u-1',
      workspaceId: 'w-1',
      status: 'PENDING',
      startTime: T(30),
      endTime: T(32),
      attendees: 2,
      priceCents: 5000,
      currency: 'EUR',
      paidCents: 0,
      createdAt: T(1),
      ...booking,
    },
    workspace: { id: 'w-1', name: 'Room', timezone: 'Europe/Berlin', openingHours: null },
  };
}

/** Applies changes in order, as the repository would, returning the last state and every movement. */
function replay(...changes: BookingChange[]): { booking: ProjectedBooking | null; movements: number[]; stale: number } {
  let booking: ProjectedBooking | null = null;
  const movements: number[] = [];
  let stale = 0;
  for (const c of changes) {
    const p = projectBookingChange(booking, c);
    if (p.kind === 'stale') {
      stale++;
      continue;
    }
    booking = p.booking;
    if (p.movementCents !== 0) movements.push(p.movementCents);
  }
  return { booking, movements, stale };
}

describe('projectBookingChange', () => {
  it('takes a new booking as its event describes it; no money before a capture', () => {
    const { booking, movements } = replay(change('booking.created', 1));
    expect(booking).toEqual({
      bookingId: 'b-1',
      userId: 'u-1',
      workspaceId: 'w-1',
      status: 'PENDING',
      startTime: T(30),
      endTime: T(32),
      attendees: 2,
      priceCents: 5000,
      currency: 'EUR',
      paidCents: 0,
      bookingCreatedAt: T(1),
      confirmedAt: null,
      cancelledAt: null,
      deletedAt: null,
      lastSequence: 1,
    });
    expect(movements).toEqual([]);
  });

  it('moves money by the change of paidCents: capture, dearer reschedule, refund', () => {
    const { booking, movements } = replay(
      change('booking.created', 1),
      change('booking.confirmed', 2, { status: 'CONFIRMED', paidCents: 5000 }),
      change('booking.rescheduled', 3, { status: 'CONFIRMED', priceCents: 6000, paidCents: 6000 }),
      change('booking.cancelled', 4, { status: 'CANCELLED', priceCents: 6000, paidCents: 6000 }),
      change('refund.issued', 5, { status: 'CANCELLED', priceCents: 6000, paidCents: 1000 }),
    );
    expect(movements).toEqual([5000, 1000, -5000]);
    expect(movements.reduce((a, b) => a + b, 0)).toBe(booking!.paidCents);
    expect(booking).toMatchObject({ status: 'CANCELLED', confirmedAt: T(2), cancelledAt: T(4), lastSequence: 5 });
  });

  it('counts the money of a booking first seen late, against 0', () => {
    expect(replay(change('booking.rescheduled', 9, { status: 'CONFIRMED', paidCents: 4500 })).movements).toEqual([
      4500,
    ]);
  });

  it('treats an event at or below the last applied sequence as stale', () => {
    const confirmed = change('booking.confirmed', 5, { status: 'CONFIRMED', paidCents: 5000 });
    const { booking, stale, movements } = replay(confirmed, change('booking.created', 3), {
      ...confirmed,
      event: { ...confirmed.event, id: 'other' },
    });
    expect(stale).toBe(2);
    expect(movements).toEqual([5000]);
    expect(booking).toMatchObject({ status: 'CONFIRMED', lastSequence: 5 });
  });

  it('marks deletion and keeps the first confirmation and cancellation times', () => {
    const { booking } = replay(
      change('booking.confirmed', 1, { status: 'CONFIRMED' }),
      change('booking.confirmed', 2, { status: 'CONFIRMED' }),
      change('booking.cancelled', 3, { status: 'CANCELLED' }),
      change('booking.deleted', 4, { status: 'CANCELLED' }),
    );
    expect(booking).toMatchObject({ confirmedAt: T(1), cancelledAt: T(3), deletedAt: T(4), status: 'CANCELLED' });
  });
});
