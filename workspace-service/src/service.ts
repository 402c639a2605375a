import type { ServiceAppOptions } from '@cowork/service-kit';
import { WorkspaceServiceConfig } from './config.js';

export const SERVICE_NAME = 'workspace-service';

/** How this service is built, shared by main.ts, the OpenAPI generator and the tests. */
export const workspaceServiceOptions: ServiceAppOptions<WorkspaceServiceConfig> = {
  serviceName: SERVICE_NAME,
  config: WorkspaceServiceConfig,
  docs: {
    title: 'workspace-service',
    description:
      "The workspace catalogue (desks, meeting rooms, private offices) and each workspace's booking rules: " +
      'capacity, hourly price, IANA time zone, opening hours in local time, minimum and maximum booking length, ' +
      'and whether it takes new bookings. Anyone may read the catalogue; admins change it. ' +
      'booking-service reads `GET /workspaces/{id}` to check a booking against these rules.',
  },
};
