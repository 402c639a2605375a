import { afterCursor, HotPathSql, isUniqueViolation, KeysetCursor, uuidv7 } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { Payment, Prisma, PrismaClient, Refund } from '../generated/prisma/client.js';
import { PaymentStatus, RefundStatus } from '../generated/prisma/enums.js';
import { ClaimHandle, StoredResponse } from '../idempotency/idempotency.repository.js';

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

/** The payments columns under the names of Prisma's Payment (RETURNING of raw statements). */
const PAYMENT_COLUMNS = Prisma.raw(
  `id::text AS id, booking_id::text AS "bookingId", user_id::text AS "userId", amount_cents AS "amountCents",
   currency, status::text AS status, refunded_cents AS "refundedCents", provider, provider_ref AS "providerRef",
   provider_idempotency_key AS "providerIdempotencyKey", payment_method AS "paymentMethod", description,
   failure_code AS "failureCode", failure_message AS "failureMessage", created_at AS "createdAt",
   updated_at AS "updatedAt"`,
);

@Injectable()
export class PaymentsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** the charge's statements run on every booking: straight on the driver */
    private readonly sql: HotPathSql,
  ) {}

  findById(id: string): Promise<Payment | null> {
    return this.prisma.payment.findUnique({ where: { id } });
  }

  findByProviderKey(providerIdempotencyKey: string): Promise<Payment | null> {
    return this.prisma.payment.findUnique({ where: { providerIdempotencyKey } });
  }

  /**
   * The payment and the completed idempotency record in one statement: either both are written
   * or neither. The payment is inserted only if the UPDATE still finds the claim ours (id, lock
   * token, IN_PROGRESS); a unique violation (a payment for this provider charge exists) undoes the
   * UPDATE too. `respond` builds the stored response from the payment row, so the row is built
   * here first, exactly as PostgreSQL will hold it: uuids in lower case, timestamps to the
   * millisecond (a Date's precision, and timestamptz(3)'s), refunded_cents 0.
   */
  async recordCharge(
    data: NewPayment,
    claim: ClaimHandle,
    respond: (payment: Payment) => StoredResponse,
  ): Promise<RecordChargeOutcome> {
    const now = new Date();
    const row: Payment = {
      id: data.id.toLowerCase(),
      bookingId: data.bookingId.toLowerCase(),
      userId: data.userId.toLowerCase(),
      amountCents: data.amountCents,
      currency: data.currency,
      status: data.status,
      refundedCents: 0,
      provider: data.provider,
      providerRef: data.providerRef,
      providerIdempotencyKey: data.providerIdempotencyKey,
      paymentMethod: data.paymentMethod,
      description: data.description,
      failureCode: data.failureCode,
      failureMessage: data.failureMessage,
      createdAt: now,
      updatedAt: now,
    };
    const response = respond(row);
    const at = now.toISOString();
    let inserted: Payment[];
    try {
      inserted = await this.sql.query<Payment>(Prisma.sql`
        WITH claim AS (
          UPDATE idempotency_records
             SET status = 'COMPLETED', response_status = ${response.status}::int,
                 response_body = ${JSON.stringify(response.body)}::jsonb, updated_at = ${at}::timestamptz
           WHERE id = ${claim.recordId}::uuid AND lock_token = ${claim.lockToken}::uuid AND status = 'IN_PROGRESS'
          RETURNING id
        )
        INSERT INTO payments
          (id, booking_id, user_id, amount_cents, currency, status, refunded_cents, provider, provider_ref,
           provider_idempotency_key, payment_method, description, failure_code, failure_message,
           created_at, updated_at)
        SELECT ${row.id}::uuid, ${row.bookingId}::uuid, ${row.userId}::uuid, ${row.amountCents}::int,
               ${row.currency}, ${row.status}::"PaymentStatus", 0, ${row.provider}, ${row.providerRef},
               ${row.providerIdempotencyKey}, ${row.paymentMethod}, ${row.description}, ${row.failureCode},
               ${row.failureMessage}, ${at}::timestamptz, ${at}::timestamptz
          FROM claim
        RETURNING ${PAYMENT_COLUMNS}`);
    } catch (error) {
      // a payment for this provider charge exists already
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.findByProviderKey(data.providerIdempotencyKey);
      if (!existing) throw error;
      return { kind: 'already-recorded', payment: existing };
    }
    if (inserted[0]) return { kind: 'recorded', payment: inserted[0] };
    // nothing written: the claim is no longer ours. A payment for this provider charge that
    // exists all the same (an earlier holder of the key recorded it) is reported, as the
    // unique violation reported it when the payment was inserted first.
    const existing = await this.findByProviderKey(data.providerIdempotencyKey);
    return existing ? { kind: 'already-recorded', payment: existing } : { kind: 'claim-lost' };
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
            id: uuidv7(),
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
