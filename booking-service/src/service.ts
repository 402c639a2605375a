import type { ServiceAppOptions } from '@cowork/service-kit';
import { BookingServiceConfig } from './config.js';

export const SERVICE_NAME = 'booking-service';

/** How this service is built, shared by main.ts, the OpenAPI generator and the tests. */
export const bookingServiceOptions: ServiceAppOptions<BookingServiceConfig> = {
  serviceName: SERVICE_NAME,
  config: BookingServiceConfig,
  docs: {
    title: 'booking-service',
    description:
      'Bookings of workspaces for time ranges: create (validated through user-service and workspace-service), ' +
      'list, confirm, cancel, reschedule, delete, and availability. No two active bookings of one workspace ' +
      'overlap: a PostgreSQL exclusion constraint refuses the second (409 BOOKING_CONFLICT). Every state change ' +
      'writes its event to the outbox in the same transaction.',
  },
};
