import { BaseServiceConfig } from '@cowork/service-kit';

export class UserServiceConfig extends BaseServiceConfig {
  override PORT = 3001;
}
