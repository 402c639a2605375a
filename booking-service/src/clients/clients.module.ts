import { Global, Module } from '@nestjs/common';
import { AdminClient } from './admin.client.js';
import { PaymentClient } from './payment.client.js';
import { PlatformSettings } from '../settings/platform-settings.js';
import { UserClient } from './user.client.js';
import { WorkspaceClient } from './workspace.client.js';

@Global()
@Module({
  providers: [UserClient, WorkspaceClient, PaymentClient, AdminClient, PlatformSettings],
  exports: [UserClient, WorkspaceClient, PaymentClient, AdminClient, PlatformSettings],
})
export class ClientsModule {}
