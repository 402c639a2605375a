import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidClientCredentialsError } from '../auth/auth.errors.js';
import { AuthServiceConfig } from '../config.js';
import { TokenIssuer } from '../keys/token-issuer.js';

@Injectable()
export class ServiceTokensService {
  private readonly clients: Map<string, Buffer>;

  constructor(
    config: AuthServiceConfig,
    private readonly tokens: TokenIssuer,
  ) {
    this.clients = new Map(
      config.SERVICE_CLIENTS.map((entry) => {
        const at = entry.indexOf(':');
        return [entry.slice(0, at), digest(entry.slice(at + 1))];
      }),
    );
  }

  async issue(clientId: string, secret: string) {
    const expected = this.clients.get(clientId);
    // compare digests in constant time, and compare even for unknown clients
    const matches = timingSafeEqual(expected ?? digest(''), digest(secret)) && expected !== undefined;
    if (!matches) throw new InvalidClientCredentialsError();
    const { token, expiresIn } = await this.tokens.serviceToken(clientId);
    return { accessToken: token, tokenType: 'Bearer' as const, expiresIn };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
