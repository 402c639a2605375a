import type { ServiceAppOptions } from '@cowork/service-kit';
import { UserServiceConfig } from './config.js';

export const SERVICE_NAME = 'user-service';

/** How this service is built, shared by main.ts, the OpenAPI generator and the tests. */
export const userServiceOptions: ServiceAppOptions<UserServiceConfig> = {
  serviceName: SERVICE_NAME,
  config: UserServiceConfig,
  docs: {
    title: 'user-service',
    description:
      'Profiles of platform users (fullName, email, role, status). The source of truth for role and status; ' +
      'auth-service creates a profile at registration and reads role and status at login and refresh.',
  },
};
