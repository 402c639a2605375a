import { ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AdminServiceConfig } from '../config.js';

/** auth-service: revoking a suspended user's refresh tokens (service token). */
@Injectable()
export class AuthClient {
  private readonly http: ServiceClient;

  constructor(factory: ServiceClientFactory, config: AdminServiceConfig) {
    this.http = factory.create({ name: 'auth-service', baseUrl: config.AUTH_SERVICE_URL });
  }

  /** Idempotent at auth-service: how many sessions this call revoked (0 the second time). */
  async revokeSessions(userId: string): Promise<number> {
    const answer = await this.http.post<{ revoked: number }>(`/internal/users/${userId}/revoke-sessions`, {});
    return answer.revoked;
  }
}
