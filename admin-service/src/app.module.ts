import { AuthModule, DatabaseModule, ServiceModule } from '@cowork/service-kit';
import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { AuditLogModule } from './audit/audit-log.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { PrismaClient } from './generated/prisma/client.js';
import { SettingsModule } from './settings/settings.module.js';
import { adminServiceOptions, SERVICE_NAME } from './service.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    ServiceModule.forRoot({ serviceName: SERVICE_NAME, config: adminServiceOptions.config }),
    DatabaseModule.forRoot({
      serviceName: SERVICE_NAME,
      client: PrismaClient,
      migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
    }),
    AuthModule.forRoot(),
    ClientsModule,
    UsersModule,
    SettingsModule,
    DashboardModule,
    AuditLogModule,
  ],
})
export class AppModule {}
