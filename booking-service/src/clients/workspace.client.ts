import {
  DomainError,
  DownstreamRejectedError,
  ReadThroughCache,
  ServiceClient,
  ServiceClientFactory,
} from '@cowork/service-kit';
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

/**
 * workspace-service: the workspace and its booking rules (a public read), reused for
 * WORKSPACE_CACHE_MS: a deactivation or a change of rules or price shows after at most that long;
 * a not-found or no answer is asked again every time.
 */
@Injectable()
export class WorkspaceClient {
  private readonly http: ServiceClient;
  private readonly workspaces: ReadThroughCache<Workspace>;

  constructor(factory: ServiceClientFactory, config: BookingServiceConfig) {
    this.http = factory.create({ name: 'workspace-service', baseUrl: config.WORKSPACE_SERVICE_URL });
    this.workspaces = new ReadThroughCache(config.WORKSPACE_CACHE_MS, 10_000);
  }

  get(id: string): Promise<Workspace> {
    return this.workspaces.read(id.toLowerCase(), () => this.fetch(id));
  }

  private async fetch(id: string): Promise<Workspace> {
    try {
      return await this.http.get<Workspace>(`/workspaces/${id}`, { anonymous: true });
    } catch (error) {
      if (error instanceof DownstreamRejectedError && error.downstreamStatus === 404)
        throw new WorkspaceNotFoundError(id);
      throw error;
    }
  }
}
