import { MinorUnitsProperty, NoControlCharacters, PageQuery, TextProperty, UuidProperty } from '@cowork/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsIn, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PaymentStatus } from '../../generated/prisma/enums.js';
import { DEFAULT_PAYMENT_METHOD, PAYMENT_METHODS } from '../../provider/payment-provider.js';

/** Amounts fit a PostgreSQL integer with room to spare: at most 1 000 000 000 minor units. */
export const MAX_AMOUNT_CENTS = 1_000_000_000;

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** A positive amount in integer minor units. */
const PositiveAmount = (description: string) => (target: object, property: string) => {
  MinorUnitsProperty({ description })(target, property);
  ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_AMOUNT_CENTS, example: 5000, description })(target, property);
  Min(1)(target, property);
  Max(MAX_AMOUNT_CENTS)(target, property);
};

export class ChargeRequestDto {
  @UuidProperty({ description: 'The booking being paid for' })
  bookingId: string;

  @UuidProperty({ description: 'Who pays (the booking owner)' })
  userId: string;

  @PositiveAmount('Integer minor units of `currency`, 1 to 1 000 000 000')
  amountCents: number;

  @ApiProperty({ example: 'EUR', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, upper case' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be three upper-case letters (ISO 4217), e.g. EUR' })
  currency: string;

  @ApiPropertyOptional({
    enum: PAYMENT_METHODS,
    default: DEFAULT_PAYMENT_METHOD,
    description:
      'Simulated provider test cards: pm_card_visa succeeds; pm_card_declined and pm_card_insufficient_funds ' +
      'decline (402); pm_card_error is a provider failure (503, retriable)',
  })
  @IsOptional()
  @IsIn(PAYMENT_METHODS, { message: `paymentMethod must be one of: ${PAYMENT_METHODS.join(', ')}` })
  paymentMethod?: string;

  @TextProperty(200, { optional: true, example: 'Lovelace Room, 27 Nov 10:00-12:00' })
  description?: string;
}

export class RefundRequestDto {
  @PositiveAmount('How much to refund, integer minor units of the payments’ currency; at most what remains captured')
  amountCents: number;

  @TextProperty(200, { example: 'Cancelled by the member 3 days before the start' })
  @trim()
  @IsNotEmpty()
  @NoControlCharacters()
  reason: string;
}

export class ListPaymentsQuery extends PageQuery {
  @UuidProperty({ optional: true, description: 'Only payments of this booking' })
  bookingId?: string;

  @UuidProperty({
    optional: true,
    description: "Admins: only this user's payments. Members may pass only their own id",
  })
  userId?: string;

  @ApiPropertyOptional({ enum: PaymentStatus, enumName: 'PaymentStatus' })
  @IsOptional()
  @IsEnum(PaymentStatus)
  status?: PaymentStatus;
}
