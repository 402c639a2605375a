import { AccessTokenClaims, UserRole } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { AuthServiceConfig } from '../config.js';
import { SigningKeys } from './signing-keys.js';

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** Signs the two kinds of JWT the platform accepts: user access tokens and service tokens. */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly config: AuthServiceConfig,
  ) {}

  accessToken(userId: string, role: UserRole): Promise<IssuedToken> {
    return this.sign({ token_use: 'access', role }, userId, this.config.ACCESS_TOKEN_TTL_SECONDS);
  }

  serviceToken(clientId: string): Promise<IssuedToken> {
    return this.sign({ token_use: 'service' }, clientId, this.config.SERVICE_TOKEN_TTL_SECONDS);
  }

  private async sign(
    claims: Pick<AccessTokenClaims, 'token_use' | 'role'>,
    subject: string,
    ttlSeconds: number,
  ): Promise<IssuedToken> {
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: this.keys.kid, typ: 'JWT' })
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.keys.privateKey);
    return { token, expiresIn: ttlSeconds };
  }
}
