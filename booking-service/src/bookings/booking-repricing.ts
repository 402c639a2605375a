import { IdempotentRequestInFlightError } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { PaymentClient } from '../clients/payment.client.js';
import type { Booking } from '../generated/prisma/client.js';
import { BookingStatus } from '../generated/prisma/enums.js';
import { PaymentDeclinedError } from './booking-settlement.js';
import { BookingModifiedError } from './bookings.errors.js';
import { BookingChange, BookingsRepository } from './bookings.repository.js';

/**
 * Moving a confirmed booking to new times at a new price: a higher price is charged first (key
 * bound to the booking's version, so a retry never charges twice) and, if declined or
 * unavailable, the booking keeps its times; a lower price records the difference as a refund owed.
 */
@Injectable()
export class BookingRepricing {
  constructor(
    private readonly bookings: BookingsRepository,
    private readonly payments: PaymentClient,
  ) {}

  async move(
    booking: Booking,
    range: { start: Date; end: Date },
    priceCents: number,
    actorId: string,
  ): Promise<Booking> {
    const difference = priceCents - booking.priceCents;
    const times = { startTime: range.start, endTime: range.end, priceCents };
    if (difference <= 0) {
      return this.apply(
        booking,
        { ...times, refundDueCents: booking.refundDueCents - difference },
        actorId,
        -difference,
      );
    }
    const outcome = await this.payments.charge(
      {
        bookingId: booking.id,
        userId: booking.userId,
        amountCents: difference,
        currency: booking.currency,
        paymentMethod: booking.paymentMethod,
      },
      `reschedule:${booking.id}:${booking.version}`,
    );
    if (outcome.kind === 'in-flight') throw new IdempotentRequestInFlightError();
    if (outcome.kind === 'declined') {
      throw new PaymentDeclinedError(
        booking,
        outcome.declineCode,
        'The extra charge was declined; the booking keeps its times',
      );
    }
    try {
      return await this.apply(booking, { ...times, paidCents: booking.paidCents + difference }, actorId, 0);
    } catch (error) {
      // the slot was taken (or the booking changed) after we charged: owe the difference back
      await this.bookings.recordOwed(booking.id, difference);
      throw error;
    }
  }

  private async apply(booking: Booking, change: BookingChange, actorId: string, refundCents: number): Promise<Booking> {
    const moved = await this.bookings.transition(
      booking,
      [BookingStatus.CONFIRMED],
      change,
      'booking.rescheduled',
      actorId,
      {
        refundCents,
      },
    );
    // no silent retry here: a retry would charge again under the next version's key
    if (!moved) throw new BookingModifiedError();
    return moved;
  }
}
