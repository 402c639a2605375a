import { AuditModule, AuthModule, DatabaseModule, ServiceModule } from '@cowork/service-kit';
import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { AvailabilityModule } from './availability/availability.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { BookingsModule } from './bookings/bookings.module.js';
import { PrismaClient } from './generated/prisma/client.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { bookingServiceOptions, SERVICE_NAME } from './service.js';

@Module({
  imports: [
    ServiceModule.forRoot({ serviceName: SERVICE_NAME, config: bookingServiceOptions.config }),
    DatabaseModule.forRoot({
      serviceName: SERVICE_NAME,
      client: PrismaClient,
      migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
    }),
    AuthModule.forRoot(),
    AuditModule,
    ClientsModule,
    OutboxModule,
    BookingsModule,
    AvailabilityModule,
  ],
})
export class AppModule {}
