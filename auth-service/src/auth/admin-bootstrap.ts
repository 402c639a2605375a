import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuthServiceConfig } from '../config.js';
import { AuthService } from './auth.service.js';

/**
 * Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD once. user-service may start after
 * us, so this retries in the background (with backoff) instead of blocking start-up.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AdminBootstrap.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly config: AuthServiceConfig,
    private readonly auth: AuthService,
  ) {}

  onApplicationBootstrap(): void {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    void this.attempt(email, password, 1);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async attempt(email: string, password: string, n: number): Promise<void> {
    if (this.stopped) return;
    try {
      const outcome = await this.auth.ensureAdmin(email, password, this.config.ADMIN_FULL_NAME);
      this.logger.log(`first admin ${email}: ${outcome === 'created' ? 'created' : 'already exists'}`);
    } catch (error) {
      // shut down while this attempt was in flight: a new timer would hold the process open
      if (this.stopped) return;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(n, 6));
      this.logger.warn(`could not create the first admin yet (${(error as Error).message}); retrying in ${delay} ms`);
      this.timer = setTimeout(() => void this.attempt(email, password, n + 1), delay);
    }
  }
}
