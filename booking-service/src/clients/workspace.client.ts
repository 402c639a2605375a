import { DomainError, DownstreamRejectedError, ServiceClient, ServiceClientFactory } from '@cowork/service-kit';
import type { OpeningRange, WorkspaceRules } from '@cowork/workspace-rules';
import { Injectable } from '@nestjs/common';
import { BookingServiceConfig } from '../config.js';

export interface Workspace extends WorkspaceRules {
  id: string;
  name: string;
  type: 'DESK' | 'MEETING_ROOM' | 'PRIVATE_OFFICE';
  openingHours: OpeningRange[] | null;
}

export class WorkspaceNotFoundError extends DomainError {
  constructor(id: string) {
    super('WORKSPACE_NOT_FOUND', 404, `Workspace ${id} was not found`);
  }
}

/** workspace-service: the workspace and its booking rules (a public read). */
@Injectable()
export class WorkspaceClient {
  private readonly http: ServiceClient;

  constructor(factory: ServiceClientFactory, config: BookingServiceConfig) {
    this.http = factory.create({ name: 'workspace-service', baseUrl: config.WORKSPACE_SERVICE_URL });
  }

  async get(id: string): Promise<Workspace> {
    try {
      return await this.http.get<Workspace>(`/workspaces/${id}`, { anonymous: true });
    } catch (error) {
      if (error instanceof DownstreamRejectedError && error.downstreamStatus === 404)
        throw new WorkspaceNotFoundError(id);
      throw error;
    }
  }
}
