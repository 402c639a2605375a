import type { ServiceAppOptions } from '@cowork/service-kit';
import { AuthServiceConfig } from './config.js';

export const SERVICE_NAME = 'auth-service';

/** How this service is built, shared by main.ts, the OpenAPI generator and the tests. */
export const authServiceOptions: ServiceAppOptions<AuthServiceConfig> = {
  serviceName: SERVICE_NAME,
  config: AuthServiceConfig,
  docs: {
    title: 'auth-service',
    description:
      'Registration, login, refresh-token rotation with reuse detection, logout, the JWKS that every ' +
      'service verifies access tokens against, and service tokens for internal calls.',
    paths: ['api/docs', 'api'],
  },
};
