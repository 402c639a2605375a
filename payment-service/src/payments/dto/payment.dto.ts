import { ApiProperty } from '@nestjs/swagger';
import type { Payment, Refund } from '../../generated/prisma/client.js';
import { PaymentStatus, RefundStatus } from '../../generated/prisma/enums.js';

export class PaymentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  bookingId: string;
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty({ type: 'integer', example: 5000, description: 'Integer minor units of `currency`' })
  amountCents: number;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ enum: PaymentStatus, enumName: 'PaymentStatus' })
  status: PaymentStatus;
  @ApiProperty({ type: 'integer', example: 0, description: 'Refunded so far (minor units), 0..amountCents' })
  refundedCents: number;
  @ApiProperty({ example: 'simulated' })
  provider: string;
  @ApiProperty({ type: String, nullable: true, description: "The provider's charge id; null when declined" })
  providerRef: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Why it failed: card_declined or insufficient_funds; null unless FAILED',
  })
  failureCode: string | null;
  @ApiProperty({ type: String, nullable: true, example: null })
  failureMessage: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  static from(row: Payment): PaymentDto {
    return {
      id: row.id,
      bookingId: row.bookingId,
      userId: row.userId,
      amountCents: row.amountCents,
      currency: row.currency,
      status: row.status,
      refundedCents: row.refundedCents,
      provider: row.provider,
      providerRef: row.providerRef,
      failureCode: row.failureCode,
      failureMessage: row.failureMessage,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

export class PaymentPageDto {
  @ApiProperty({ type: [PaymentDto] })
  items: PaymentDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export class RefundDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  paymentId: string;
  @ApiProperty({ type: 'integer', example: 2500 })
  amountCents: number;
  @ApiProperty({ enum: RefundStatus, enumName: 'RefundStatus' })
  status: RefundStatus;
  @ApiProperty({ example: 'Cancelled by the member 3 days before the start' })
  reason: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(row: Refund): RefundDto {
    return {
      id: row.id,
      paymentId: row.paymentId,
      amountCents: row.amountCents,
      status: row.status,
      reason: row.reason,
      createdAt: row.createdAt.toISOString(),
    };
  }
}

export class RefundResultDto {
  @ApiProperty({ type: 'integer', example: 2500, description: 'Refunded by this request (minor units)' })
  refundedCents: number;
  @ApiProperty({ type: [RefundDto], description: 'One refund per payment it drew on, newest payment first' })
  refunds: RefundDto[];
}

export class BookingPaymentsDto {
  @ApiProperty({
    type: 'integer',
    example: 5000,
    description: 'Sum of the amounts of succeeded payments (including those refunded since)',
  })
  capturedCents: number;
  @ApiProperty({ type: 'integer', example: 2500, description: 'Sum refunded (or being refunded) of those' })
  refundedCents: number;
  @ApiProperty({
    type: 'integer',
    example: 0,
    description:
      'Charges of the booking still in flight: claimed and not yet settled (running, or interrupted and awaiting ' +
      'recovery), so they may still record a payment. While it is above 0, do not give up on the booking (e.g. ' +
      'expire its hold): a charge may still land.',
  })
  chargesInFlight: number;
  @ApiProperty({ type: [PaymentDto], description: 'Every payment of the booking, failed ones too, newest first' })
  payments: PaymentDto[];
}
