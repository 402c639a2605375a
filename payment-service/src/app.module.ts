import { AuthModule, DatabaseModule, ServiceModule } from '@cowork/service-kit';
import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { PrismaClient } from './generated/prisma/client.js';
import { PaymentsModule } from './payments/payments.module.js';
import { paymentServiceOptions, SERVICE_NAME } from './service.js';

@Module({
  imports: [
    ServiceModule.forRoot({ serviceName: SERVICE_NAME, config: paymentServiceOptions.config }),
    DatabaseModule.forRoot({
      serviceName: SERVICE_NAME,
      client: PrismaClient,
      migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
    }),
    AuthModule.forRoot(),
    PaymentsModule,
  ],
})
export class AppModule {}
