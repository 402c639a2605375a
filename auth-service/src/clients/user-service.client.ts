import { DownstreamRejectedError, ServiceClient, ServiceClientFactory, UserRole } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AuthServiceConfig } from '../config.js';

export interface UserProfile {
  id: string;
  email: string;
  fullName: string;
  role: UserRole;
  status: 'ACTIVE' | 'SUSPENDED';
}

/** user-service, the source of truth for role and status. */
@Injectable()
export class UserServiceClient {
  private readonly http: ServiceClient;

  constructor(factory: ServiceClientFactory, config: AuthServiceConfig) {
    this.http = factory.create({ name: 'user-service', baseUrl: config.USER_SERVICE_URL });
  }

  /** Idempotent on the id, so it is retried on transient failures. */
  createProfile(profile: { id: string; email: string; fullName: string; role?: UserRole }): Promise<UserProfile> {
    return this.http.post<UserProfile>('/internal/users', profile, { idempotencyKey: profile.id });
  }

  /** undefined when user-service has no such profile. */
  async getProfile(id: string): Promise<UserProfile | undefined> {
    try {
      return await this.http.get<UserProfile>(`/users/${id}`);
    } catch (error) {
      if (error instanceof DownstreamRejectedError && error.downstreamStatus === 404) return undefined;
      throw error;
    }
  }

  deleteProfile(id: string): Promise<void> {
    return this.http.delete<void>(`/internal/users/${id}`);
  }
}
