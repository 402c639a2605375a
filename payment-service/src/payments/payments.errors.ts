import { DomainError } from '@cowork/service-kit';
import type { DeclineCode } from '../provider/payment-provider.js';

export class PaymentNotFoundError extends DomainError {
  constructor(id: string) {
    super('PAYMENT_NOT_FOUND', 404, `Payment ${id} was not found`);
  }
}

/** The provider declined the card; the FAILED payment is recorded. Final: a replay answers the same. */
export class PaymentDeclinedError extends DomainError {
  constructor(declineCode: DeclineCode, paymentId: string, message: string) {
    super('PAYMENT_DECLINED', 402, message, { declineCode, paymentId });
  }
}

/** The provider failed or did not answer in time; nothing was charged, and a retry may succeed. */
export class PaymentProviderUnavailableError extends DomainError {
  constructor(retryAfterSeconds: number, reason: string) {
    super('PROVIDER_UNAVAILABLE', 503, `The payment provider is unavailable (${reason}); try again later`, {
      retryAfterSeconds,
    });
  }
}

export class RefundExceedsCapturedError extends DomainError {
  constructor(requestedCents: number, refundableCents: number) {
    super(
      'REFUND_EXCEEDS_CAPTURED',
      422,
      `Cannot refund ${requestedCents}: only ${refundableCents} of the booking's captured money remains to refund`,
      { requestedCents, refundableCents },
    );
  }
}
