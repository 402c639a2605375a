import { Global, Module } from '@nestjs/common';
import { PaymentClient } from './payment.client.js';
import { UserClient } from './user.client.js';
import { WorkspaceClient } from './workspace.client.js';

@Global()
@Module({
  providers: [UserClient, WorkspaceClient, PaymentClient],
  exports: [UserClient, WorkspaceClient, PaymentClient],
})
export class ClientsModule {}
