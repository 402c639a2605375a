import { Injectable, Logger } from '@nestjs/common';
import { BaseServiceConfig } from '../config/service-config.js';
import { DependencyUnavailableError } from '../errors/domain-error.js';

/** Supplies the bearer token this service presents to other services. */
export abstract class ServiceTokenProvider {
  abstract getToken(): Promise<string>;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/**
 * OAuth2-style client credentials against auth-service (`POST /auth/service-token`),
 * cached until a minute before expiry; concurrent callers share one fetch.
 */
@Injectable()
export class ClientCredentialsTokenProvider extends ServiceTokenProvider {
  private readonly logger = new Logger('ServiceToken');
  private cached?: CachedToken;
  private inflight?: Promise<string>;

  constructor(private readonly config: BaseServiceConfig) {
    super();
  }

  async getToken(): Promise<string> {
    if (this.cached && Date.now() < this.cached.refreshAt) return this.cached.token;
    this.inflight ??= this.fetchToken().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetchToken(): Promise<string> {
    const { SERVICE_CLIENT_ID: clientId, SERVICE_CLIENT_SECRET: clientSecret } = this.config;
    if (!clientId || !clientSecret) {
      throw new DependencyUnavailableError(
        'auth-service',
        30,
        'SERVICE_CLIENT_ID/SERVICE_CLIENT_SECRET are not configured',
      );
    }
    let response: Response;
    try {
      response = await fetch(`${this.config.AUTH_SERVICE_URL}/auth/service-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId, clientSecret }),
        signal: AbortSignal.timeout(this.config.DOWNSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      throw new DependencyUnavailableError('auth-service', 5, (error as Error).message);
    }
    if (!response.ok) {
      this.logger.error(`auth-service refused the service token request: HTTP ${response.status}`);
      throw new DependencyUnavailableError('auth-service', 30, `service token refused (HTTP ${response.status})`);
    }
    const body = (await response.json()) as { accessToken: string; expiresIn: number };
    this.cached = {
      token: body.accessToken,
      refreshAt: Date.now() + Math.max(body.expiresIn - 60, body.expiresIn / 2) * 1000,
    };
    return body.accessToken;
  }
}
