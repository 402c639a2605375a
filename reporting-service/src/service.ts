import type { ServiceAppOptions } from '@cowork/service-kit';
import { ReportingServiceConfig } from './config.js';

export const SERVICE_NAME = 'reporting-service';

/** How this service is built, shared by main.ts, the OpenAPI generator and the tests. */
export const reportingServiceOptions: ServiceAppOptions<ReportingServiceConfig> = {
  serviceName: SERVICE_NAME,
  config: ReportingServiceConfig,
  docs: {
    title: 'reporting-service',
    description:
      "A read model of booking-service's events (bookings, workspaces, captured and refunded money), fed by " +
      'POST /internal/events/batch and POST /internal/events (service tokens; idempotent per event id), and the ' +
      'reports answered from it alone: ' +
      'live summary, occupancy (JSON or an SVG chart) and revenue, and stored reports (JSON or CSV) generated in ' +
      'the background and downloaded in chunks. Every /reports endpoint is for admins only.',
  },
};
