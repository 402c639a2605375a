import { DynamicModule, Global, InjectionToken, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { JWTVerifyGetKey } from 'jose';
import { BaseServiceConfig } from '../config/service-config.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { ClientCredentialsTokenProvider, ServiceTokenProvider } from './service-token.js';
import { remoteJwks, TokenVerifier, VERIFICATION_KEYS } from './token-verifier.js';

export interface AuthModuleOptions {
  /** Replace where verification keys come from (auth-service verifies with its own keys). */
  verificationKeys?: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    useFactory: (...deps: any[]) => JWTVerifyGetKey | Promise<JWTVerifyGetKey>;
    inject?: InjectionToken[];
  };
  /** Replace how this service gets its own service token. */
  serviceToken?: Type<ServiceTokenProvider>;
}

/** Installs the global AccessTokenGuard and the service-token provider for outgoing calls. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        options.verificationKeys
          ? { provide: VERIFICATION_KEYS, ...options.verificationKeys }
          : { provide: VERIFICATION_KEYS, inject: [BaseServiceConfig], useFactory: remoteJwks },
        { provide: ServiceTokenProvider, useClass: options.serviceToken ?? ClientCredentialsTokenProvider },
        TokenVerifier,
        { provide: APP_GUARD, useClass: AccessTokenGuard },
      ],
      exports: [TokenVerifier, ServiceTokenProvider, VERIFICATION_KEYS],
    };
  }
}
