import { Module } from '@nestjs/common';
import { UserServiceClient } from '../clients/user-service.client.js';
import { RefreshTokens } from '../sessions/refresh-tokens.js';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CredentialsRepository } from './credentials.repository.js';
import { InternalSessionsController } from './internal-sessions.controller.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { StaleAuthRecordsPurge } from './stale-auth-records-purge.js';

@Module({
  controllers: [AuthController, InternalSessionsController],
  providers: [
    AuthService,
    CredentialsRepository,
    PasswordHasher,
    LoginThrottle,
    RefreshTokens,
    UserServiceClient,
    AdminBootstrap,
    StaleAuthRecordsPurge,
  ],
})
export class AccountsModule {}
