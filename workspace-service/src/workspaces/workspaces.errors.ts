import { DomainError } from '@cowork/service-kit';

export class WorkspaceNotFoundError extends DomainError {
  constructor(id: string) {
    super('WORKSPACE_NOT_FOUND', 404, `Workspace ${id} was not found`);
  }
}

/** Other admins kept changing the workspace while this update was being applied; retrying is safe. */
export class WorkspaceUpdateConflictError extends DomainError {
  constructor(id: string) {
    super('WORKSPACE_UPDATE_CONFLICT', 409, `Workspace ${id} was changed concurrently; retry the update`, {
      retryAfterSeconds: 1,
    });
  }
}
