import { DownstreamRejectedError, ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { BookingServiceConfig } from '../config.js';

export interface ChargeRequest {
  bookingId: string;
  userId: string;
  amountCents: number;
  currency: string;
  paymentMethod: string;
}

export type ChargeOutcome =
  | { kind: 'succeeded'; paymentId: string }
  | { kind: 'declined'; declineCode: string; detail: string }
  /** a request with this key is still being processed at payment-service */
  | { kind: 'in-flight' };

export interface BookingPayments {
  capturedCents: number;
  refundedCents: number;
  /** charges of this booking payment-service is still processing (or recovering after a crash) */
  chargesInFlight?: number;
}

/**
 * payment-service. Every charge and refund carries an Idempotency-Key derived from the booking,
 * so any retry (ours, the client's, the sweeper's) charges or refunds at most once.
 * Unreachable, or PROVIDER_UNAVAILABLE: DependencyUnavailableError (retriable).
 */
@Injectable()
export class PaymentClient {
  private readonly http: ServiceClient;

  constructor(factory: ServiceClientFactory, config: BookingServiceConfig) {
    this.http = factory.create({ name: 'payment-service', baseUrl: config.PAYMENT_SERVICE_URL });
  }

  async charge(request: ChargeRequest, idempotencyKey: string): Promise<ChargeOutcome> {
    try {
      const payment = await this.http.post<{ id: string }>('/internal/charges', request, { idempotencyKey });
      return { kind: 'succeeded', paymentId: payment.id };
    } catch (error) {
      if (error instanceof DownstreamRejectedError) {
        if (error.downstreamStatus === 402) {
          return {
            kind: 'declined',
            declineCode: String(error.problem.declineCode ?? 'declined'),
            detail: String(error.problem.detail ?? 'The payment was declined'),
          };
        }
        if (error.downstreamStatus === 409 && error.problem.code === 'IDEMPOTENT_REQUEST_IN_FLIGHT')
          return { kind: 'in-flight' };
      }
      throw error;
    }
  }

  async refund(bookingId: string, amountCents: number, reason: string, idempotencyKey: string): Promise<void> {
    await this.http.post(`/internal/bookings/${bookingId}/refunds`, { amountCents, reason }, { idempotencyKey });
  }

  payments(bookingId: string): Promise<BookingPayments> {
    return this.http.get<BookingPayments>(`/internal/bookings/${bookingId}/payments`);
  }
}
