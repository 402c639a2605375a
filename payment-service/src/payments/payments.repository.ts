import { afterCursor, isUniqueViolation, KeysetCursor } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Payment, PrismaClient, Refund } from '../generated/prisma/client.js';
import { PaymentStatus, RefundStatus } from '../generated/prisma/enums.js';
import { ClaimHandle, IdempotencyRepository, StoredResponse } from '../idempotency/idempotency.repository.js';

export interface NewPayment {
  id: string;
  bookingId: string;
  userId: string;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  provider: string;
  providerRef: string | null;
  providerIdempotencyKey: string;
  paymentMethod: string;
  description: string | null;
  failureCode: string | null;
  failureMessage: string | null;
}

export interface PaymentFilter {
  userId?: string;
  bookingId?: string;
  status?: PaymentStatus;
}

export type RecordChargeOutcome =
  | { kind: 'recorded'; payment: Payment }
  /** a payment for this provider charge already exists (an earlier holder of the key recorded it) */
  | { kind: 'already-recorded'; payment: Payment }
  /** our claim on the key was taken over meanwhile; nothing written */
  | { kind: 'claim-lost' };

/** A refund reserved against a payment, with what the provider needs to execute it. */
export interface PendingRefund {
  refund: Refund;
  chargeRef: string;
}

export type ReserveOutcome =
  { kind: 'reserved'; refunds: PendingRefund[] } | { kind: 'exceeds'; refundableCents: number };

/** Statuses of payments that still hold captured money. */
const REFUNDABLE: PaymentStatus[] = [PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED];
/** Statuses of payments whose money was captured at some point. */
const CAPTURED: PaymentStatus[] = [...REFUNDABLE, PaymentStatus.REFUNDED];

class ClaimLost extends Error {}

@Injectable()
export class PaymentsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly idempotency: IdempotencyRepository,
  ) {}

  findById(id: string): Promise<Payment | null> {
    return this.prisma.payment.findUnique({ where: { id } });
  }

  findByProviderKey(providerIdempotencyKey: string): Promise<Payment | null> {
    return this.prisma.payment.findUnique({ where: { providerIdempotencyKey } });
  }

  /**
   * The payment and the completed idempotency record in one transaction: either both are
   * written or neither. `respond` builds the stored response from the payment row.
   */
  async recordCharge(
    data: NewPayment,
    claim: ClaimHandle,
    respond: (payment: Payment) => StoredResponse,
  ): Promise<RecordChargeOutcome> {
    try {
      const payment = await this.prisma.$transaction(async (tx) => {
        const row = await tx.payment.create({ data });
        if (!(await this.idempotency.complete(claim, respond(row), tx))) throw new ClaimLost();
        return row;
      });
      return { kind: 'recorded', payment };
    } catch (error) {
      if (error instanceof ClaimLost) return { kind: 'claim-lost' };
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.findByProviderKey(data.providerIdempotencyKey);
      if (!existing) throw error;
      return { kind: 'already-recorded', payment: existing };
    }
  }

  /** Newest first; one extra row tells whether there is a next page. */
  list(filter: PaymentFilter, limit: number, cursor?: KeysetCursor): Promise<Payment[]> {
    return this.prisma.payment.findMany({
      where: {
        AND: [
          afterCursor(cursor),
          filter.userId ? { userId: filter.userId } : {},
          filter.bookingId ? { bookingId: filter.bookingId } : {},
          filter.status ? { status: filter.status } : {},
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }

  ofBooking(bookingId: string): Promise<Payment[]> {
    return this.prisma.payment.findMany({ where: { bookingId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  /** Captured money of a booking: succeeded payments, refunded ones included. */
  static capturedOf(payments: Payment[]) {
    const captured = payments.filter((p) => CAPTURED.includes(p.status));
    return {
      capturedCents: captured.reduce((sum, p) => sum + p.amountCents, 0),
      refundedCents: captured.reduce((sum, p) => sum + p.refundedCents, 0),
    };
  }

  /**
   * Reserves `amountCents` of refunds across the booking's payments that still hold money,
   * newest first. The payments are locked (FOR UPDATE) for the transaction, so two concurrent
   * refunds of one booking run one after the other and never exceed what was captured; the
   * reserved amount counts in refunded_cents at once (the CHECK keeps it within the amount).
   */
  async reserveRefunds(
    bookingId: string,
    amountCents: number,
    reason: string,
    idempotencyRecordId: string,
  ): Promise<ReserveOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM payments
         WHERE booking_id = ${bookingId}::uuid AND status::text IN ('SUCCEEDED', 'PARTIALLY_REFUNDED')
         ORDER BY created_at DESC, id DESC
           FOR UPDATE`;
      const payments = await tx.payment.findMany({
        where: { id: { in: rows.map((r) => r.id) }, status: { in: REFUNDABLE } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      const refundableCents = payments.reduce((sum, p) => sum + p.amountCents - p.refundedCents, 0);
      if (amountCents > refundableCents) return { kind: 'exceeds' as const, refundableCents };

      const refunds: PendingRefund[] = [];
      let left = amountCents;
      for (const payment of payments) {
        if (left === 0) break;
        const portion = Math.min(left, payment.amountCents - payment.refundedCents);
        if (portion === 0) continue;
        left -= portion;
        const refundedCents = payment.refundedCents + portion;
        await tx.payment.update({
          where: { id: payment.id },
          data: {
            refundedCents,
            status: refundedCents === payment.amountCents ? PaymentStatus.REFUNDED : PaymentStatus.PARTIALLY_REFUNDED,
          },
        });
        const refund = await tx.refund.create({
          data: {
            id: randomUUID(),
            paymentId: payment.id,
            amountCents: portion,
            status: RefundStatus.PENDING,
            reason,
            idempotencyRecordId,
          },
        });
        refunds.push({ refund, chargeRef: payment.providerRef! });
      }
      return { kind: 'reserved' as const, refunds };
    });
  }

  /** The refunds an earlier holder of the same idempotency record reserved (to resume them). */
  async refundsOfRecord(idempotencyRecordId: string): Promise<PendingRefund[]> {
    const rows = await this.prisma.refund.findMany({
      where: { idempotencyRecordId },
      include: { payment: { select: { providerRef: true, createdAt: true } } },
      orderBy: [{ payment: { createdAt: 'desc' } }, { paymentId: 'desc' }],
    });
    return rows.map(({ payment, ...refund }) => ({ refund, chargeRef: payment.providerRef! }));
  }

  markRefundSucceeded(id: string, providerRef: string): Promise<Refund> {
    return this.prisma.refund.update({ where: { id }, data: { status: RefundStatus.SUCCEEDED, providerRef } });
  }
}
