import { ServiceTokenProvider } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { TokenIssuer } from './token-issuer.js';

/** auth-service holds the signing key, so it mints its own service token instead of asking itself. */
@Injectable()
export class LocalServiceTokenProvider extends ServiceTokenProvider {
  private cached?: { token: string; refreshAt: number };

  constructor(private readonly issuer: TokenIssuer) {
    super();
  }

  async getToken(): Promise<string> {
    if (this.cached && Date.now() < this.cached.refreshAt) return this.cached.token;
    const { token, expiresIn } = await this.issuer.serviceToken('auth-service');
    this.cached = { token, refreshAt: Date.now() + (expiresIn - 60) * 1000 };
    return token;
  }
}
