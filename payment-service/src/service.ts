import type { ServiceAppOptions } from '@cowork/service-kit';
import { PaymentServiceConfig } from './config.js';

export const SERVICE_NAME = 'payment-service';

/** How this service is built, shared by main.ts, the OpenAPI generator and the tests. */
export const paymentServiceOptions: ServiceAppOptions<PaymentServiceConfig> = {
  serviceName: SERVICE_NAME,
  config: PaymentServiceConfig,
  docs: {
    title: 'payment-service',
    description:
      'Payments and refunds of bookings through a payment provider (a built-in simulated one for now). ' +
      'Charge and refund are internal (service tokens, booking-service) and idempotent on the Idempotency-Key ' +
      'header: a replay returns the stored response and charges nothing. Members read their own payments, admins all.',
  },
};
