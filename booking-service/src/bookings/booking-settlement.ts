import { DependencyUnavailableError, DomainError, IdempotentRequestInFlightError } from '@cowork/service-kit';
import { Injectable, Logger } from '@nestjs/common';
import { PaymentClient } from '../clients/payment.client.js';
import type { Booking } from '../generated/prisma/client.js';
import { BookingStatus } from '../generated/prisma/enums.js';
import { PlatformSettings } from '../settings/platform-settings.js';
import { BookingsRepository } from './bookings.repository.js';

export class PaymentDeclinedError extends DomainError {
  constructor(booking: Booking, declineCode: string, detail: string) {
    super('PAYMENT_DECLINED', 402, `${detail}; the slot was released`, { declineCode, bookingId: booking.id });
  }
}

/** The idempotency key of a booking's first charge: its id, so no retry can charge it twice. */
export const chargeKey = (booking: Pick<Booking, 'id'>) => booking.id;

/**
 * Money for bookings: charging a held booking, refunding by policy, and settling what an outage
 * left open. Every call to payment-service carries a key derived from the booking's state, so a
 * retry after any failure charges or refunds at most once.
 */
@Injectable()
export class BookingSettlement {
  private readonly logger = new Logger(BookingSettlement.name);

  constructor(
    private readonly bookings: BookingsRepository,
    private readonly payments: PaymentClient,
    private readonly settings: PlatformSettings,
  ) {}

  holdExpiry(): Date {
    return new Date(Date.now() + this.settings.holdSeconds * 1000);
  }

  /**
   * Charges a PENDING booking and confirms it. Declined: PAYMENT_FAILED, slot released, 402.
   * payment-service unreachable or its provider failing: the booking stays PENDING (held until
   * holdExpiresAt) and `undefined` is returned for the caller to answer 202.
   */
  async charge(booking: Booking, actorId: string): Promise<Booking | undefined> {
    if (booking.status !== BookingStatus.PENDING) return booking;
    if (booking.priceCents === 0) return this.confirmPaid(booking, actorId);
    let outcome;
    try {
      outcome = await this.payments.charge(
        {
          bookingId: booking.id,
          userId: booking.userId,
          amountCents: booking.priceCents,
          currency: booking.currency,
          paymentMethod: booking.paymentMethod,
        },
        chargeKey(booking),
      );
    } catch (error) {
      if (error instanceof DependencyUnavailableError) return undefined;
      throw error;
    }
    if (outcome.kind === 'in-flight') throw new IdempotentRequestInFlightError();
    if (outcome.kind === 'succeeded') return this.confirmPaid(booking, actorId);
    const failed = await this.bookings.transition(
      booking,
      [BookingStatus.PENDING],
      { status: BookingStatus.PAYMENT_FAILED, declineCode: outcome.declineCode, holdExpiresAt: null },
      'payment.failed',
      actorId,
      { declineCode: outcome.declineCode },
    );
    if (!failed) return this.current(booking);
    throw new PaymentDeclinedError(failed, outcome.declineCode, outcome.detail);
  }

  /** The refund the cancellation policy grants: all of it up to N hours before the start, else none. */
  refundOnCancel(booking: Booking, now = new Date()): number {
    const deadline = booking.startTime.getTime() - this.settings.cancellationFullRefundHours * 3_600_000;
    return now.getTime() <= deadline ? booking.paidCents : 0;
  }

  /**
   * Pays out what the booking owes (refundDueCents). On failure the debt stays recorded and the
   * sweeper retries; the key is derived from the state, so a lost answer is never paid twice.
   */
  async payRefundDue(booking: Booking, actorId: string): Promise<Booking> {
    if (booking.refundDueCents <= 0) return booking;
    const key = `refund:${booking.id}:${booking.paidCents}:${booking.refundDueCents}`;
    try {
      await this.payments.refund(booking.id, booking.refundDueCents, 'booking refund', key);
    } catch (error) {
      this.logger.warn(
        `refund of ${booking.refundDueCents} for booking ${booking.id} queued: ${(error as Error).message}`,
      );
      return booking;
    }
    return (await this.bookings.recordRefund(booking, booking.refundDueCents, actorId)) ?? this.current(booking);
  }

  /**
   * A hold that ran out: asks payment-service what was captured (a read, never a new charge).
   * Paid in full: confirmed after all. A charge still in flight: left for the next round. Nothing:
   * EXPIRED, slot released. No answer: EXPIRED with the outcome unresolved, and reconciled
   * (refunded if anything was captured) later.
   */
  async expireHold(booking: Booking): Promise<Booking | null> {
    let captured: number | undefined;
    try {
      const paid = await this.payments.payments(booking.id);
      // a charge still being processed (or recovered after a crash) may land: decide next round
      if ((paid.chargesInFlight ?? 0) > 0) return null;
      captured = paid.capturedCents - paid.refundedCents;
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
    }
    if (captured !== undefined && captured >= booking.priceCents && booking.priceCents > 0) {
      return this.confirmPaid(booking, 'system');
    }
    return this.bookings.transition(
      booking,
      [BookingStatus.PENDING],
      {
        status: BookingStatus.EXPIRED,
        holdExpiresAt: null,
        paidCents: captured ?? 0,
        refundDueCents: captured ?? 0,
        paymentUnresolved: captured === undefined,
      },
      'booking.expired',
      'system',
    );
  }

  /** For a released booking whose charge outcome was unknown: refund whatever was captured. */
  async reconcile(booking: Booking): Promise<Booking | null> {
    const paid = await this.payments.payments(booking.id);
    const captured = paid.capturedCents - paid.refundedCents;
    return this.bookings.transition(
      booking,
      [booking.status],
      { paymentUnresolved: false, paidCents: captured, refundDueCents: captured },
      undefined,
      'system',
    );
  }

  private async confirmPaid(booking: Booking, actorId: string): Promise<Booking> {
    const confirmed = await this.bookings.transition(
      booking,
      [BookingStatus.PENDING],
      { status: BookingStatus.CONFIRMED, confirmedAt: new Date(), holdExpiresAt: null, paidCents: booking.priceCents },
      'booking.confirmed',
      actorId,
    );
    return confirmed ?? this.current(booking);
  }

  private async current(booking: Booking): Promise<Booking> {
    return (await this.bookings.findById(booking.id)) ?? booking;
  }
}
