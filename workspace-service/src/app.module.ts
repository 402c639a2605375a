import { AuditModule, AuthModule, DatabaseModule, ServiceModule } from '@cowork/service-kit';
import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { PrismaClient } from './generated/prisma/client.js';
import { SERVICE_NAME, workspaceServiceOptions } from './service.js';
import { WorkspacesModule } from './workspaces/workspaces.module.js';

@Module({
  imports: [
    ServiceModule.forRoot({ serviceName: SERVICE_NAME, config: workspaceServiceOptions.config }),
    DatabaseModule.forRoot({
      serviceName: SERVICE_NAME,
      client: PrismaClient,
      migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
    }),
    AuthModule.forRoot(),
    AuditModule,
    WorkspacesModule,
  ],
})
export class AppModule {}
