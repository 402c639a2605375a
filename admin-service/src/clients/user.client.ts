import { ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AdminServiceConfig } from '../config.js';

export type UserRole = 'MEMBER' | 'ADMIN';
export type UserStatus = 'ACTIVE' | 'SUSPENDED';

/** A profile as user-service answers it. */
export interface UserRecord {
  id: string;
  email: string;
  fullName: string;
  role: UserRole;
  status: UserStatus;
  createdAt: string;
  updatedAt: string;
}

export interface UserRecordPage {
  items: UserRecord[];
  nextCursor: string | null;
}

export interface UserSearch {
  search?: string;
  role?: UserRole;
  status?: UserStatus;
  limit?: number;
  cursor?: string;
}

export interface UserStats {
  total: number;
  byRole: Record<UserRole, number>;
  byStatus: Record<UserStatus, number>;
}

/**
 * user-service. Reads and changes of users are made with the admin's own access token
 * (`adminToken`), so user-service authorizes the admin and records them as the actor of its
 * audit entry; only the statistics are read with this service's token. A 4xx comes back as the
 * kit's DownstreamRejectedError (the caller maps it), an outage as DependencyUnavailableError.
 * The PATCHes are not retried by the client (they carry no Idempotency-Key); they set absolute
 * values, so the admin's own retry is safe.
 */
@Injectable()
export class UserClient {
  private readonly http: ServiceClient;

  constructor(factory: ServiceClientFactory, config: AdminServiceConfig) {
    this.http = factory.create({ name: 'user-service', baseUrl: config.USER_SERVICE_URL });
  }

  list(search: UserSearch, adminToken: string): Promise<UserRecordPage> {
    return this.http.get<UserRecordPage>('/users', { query: { ...search }, onBehalfOf: adminToken });
  }

  get(id: string, adminToken: string): Promise<UserRecord> {
    return this.http.get<UserRecord>(`/users/${id}`, { onBehalfOf: adminToken });
  }

  setRole(id: string, role: UserRole, adminToken: string): Promise<UserRecord> {
    return this.http.patch<UserRecord>(`/users/${id}/role`, { role }, { onBehalfOf: adminToken });
  }

  setStatus(id: string, status: UserStatus, adminToken: string): Promise<UserRecord> {
    return this.http.patch<UserRecord>(`/users/${id}/status`, { status }, { onBehalfOf: adminToken });
  }

  stats(): Promise<UserStats> {
    return this.http.get<UserStats>('/internal/users/stats');
  }
}
