import { AuthModule, DatabaseModule, ServiceModule } from '@cowork/service-kit';
import { Module } from '@nestjs/common';
import { createLocalJWKSet } from 'jose';
import { fileURLToPath } from 'node:url';
import { AccountsModule } from './auth/auth.module.js';
import { PrismaClient } from './generated/prisma/client.js';
import { JwksController } from './keys/jwks.controller.js';
import { KeysModule } from './keys/keys.module.js';
import { LocalServiceTokenProvider } from './keys/local-service-token.provider.js';
import { SigningKeys } from './keys/signing-keys.js';
import { SERVICE_NAME, authServiceOptions } from './service.js';
import { ServiceTokensController } from './service-tokens/service-tokens.controller.js';
import { ServiceTokensService } from './service-tokens/service-tokens.service.js';

@Module({
  imports: [
    ServiceModule.forRoot({ serviceName: SERVICE_NAME, config: authServiceOptions.config }),
    DatabaseModule.forRoot({
      serviceName: SERVICE_NAME,
      client: PrismaClient,
      migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
    }),
    KeysModule,
    // auth-service verifies its own tokens with its own keys, and mints its own service token
    AuthModule.forRoot({
      verificationKeys: { inject: [SigningKeys], useFactory: (keys: SigningKeys) => createLocalJWKSet(keys.jwks) },
      serviceToken: LocalServiceTokenProvider,
    }),
    AccountsModule,
  ],
  controllers: [JwksController, ServiceTokensController],
  providers: [ServiceTokensService],
})
export class AppModule {}
