import { Global, Module } from '@nestjs/common';
import { UserClient } from './user.client.js';
import { WorkspaceClient } from './workspace.client.js';

@Global()
@Module({ providers: [UserClient, WorkspaceClient], exports: [UserClient, WorkspaceClient] })
export class ClientsModule {}
