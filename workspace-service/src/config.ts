import { BaseServiceConfig } from '@cowork/service-kit';

export class WorkspaceServiceConfig extends BaseServiceConfig {
  override PORT = 3002;
}
