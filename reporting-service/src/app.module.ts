import { AuditModule, AuthModule, DatabaseModule, ServiceModule } from '@cowork/service-kit';
import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { EventsModule } from './events/events.module.js';
import { PrismaClient } from './generated/prisma/client.js';
import { ReportsModule } from './reports/reports.module.js';
import { reportingServiceOptions, SERVICE_NAME } from './service.js';

@Module({
  imports: [
    ServiceModule.forRoot({ serviceName: SERVICE_NAME, config: reportingServiceOptions.config }),
    DatabaseModule.forRoot({
      serviceName: SERVICE_NAME,
      client: PrismaClient,
      migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
    }),
    AuthModule.forRoot(),
    AuditModule,
    EventsModule,
    ReportsModule,
  ],
})
export class AppModule {}
