import { Global, Module } from '@nestjs/common';
import { AuthServiceConfig } from '../config.js';
import { SigningKeys } from './signing-keys.js';
import { TokenIssuer } from './token-issuer.js';

@Global()
@Module({
  providers: [{ provide: SigningKeys, inject: [AuthServiceConfig], useFactory: SigningKeys.load }, TokenIssuer],
  exports: [SigningKeys, TokenIssuer],
})
export class KeysModule {}
