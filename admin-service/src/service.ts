import type { ServiceAppOptions } from '@cowork/service-kit';
import { AdminServiceConfig } from './config.js';

export const SERVICE_NAME = 'admin-service';

/** How this service is built, shared by main.ts, the OpenAPI generator and the tests. */
export const adminServiceOptions: ServiceAppOptions<AdminServiceConfig> = {
  serviceName: SERVICE_NAME,
  config: AdminServiceConfig,
  docs: {
    title: 'admin-service',
    description:
      'Platform administration for admins: users (suspend, reactivate, promote, demote, list with booking counts), ' +
      'the versioned platform settings, a dashboard, and the platform-wide audit log. It acts through the other ' +
      "services' APIs, never their databases: user changes go to user-service with the admin's own token, so " +
      'user-service authorizes and records the real admin, and its audit entry reaches this log through the ' +
      'collector. Every /admin endpoint is for admins only; /internal/settings is for service tokens.',
  },
};
