import { RateLimitedError } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AuthServiceConfig } from '../config.js';
import { PrismaClient } from '../generated/prisma/client.js';

interface ThrottleRow {
  key: string;
  failures: number;
  retry_after: number;
}

/**
 * Failed logins counted per account and per client IP in a fixed window, in the database so
 * that every replica sees the same counts. Over the limit, even the right password gets 429
 * until the window ends.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: AuthServiceConfig,
  ) {}

  async assertAllowed(email: string, ip: string): Promise<void> {
    const rows = await this.prisma.$queryRaw<ThrottleRow[]>`
      SELECT key, failures,
             CEIL(EXTRACT(EPOCH FROM (window_started_at + make_interval(secs => ${this.config.LOGIN_WINDOW_SECONDS}) - now())))::int AS retry_after
        FROM login_throttles
       WHERE key IN (${accountKey(email)}, ${ipKey(ip)})
         AND window_started_at > now() - make_interval(secs => ${this.config.LOGIN_WINDOW_SECONDS})`;
    for (const row of rows) {
      const limit = row.key.startsWith('account:')
        ? this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT
        : this.config.LOGIN_MAX_FAILURES_PER_IP;
      if (row.failures >= limit) throw new RateLimitedError(Math.max(1, row.retry_after));
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    for (const key of [accountKey(email), ipKey(ip)]) {
      await this.prisma.$executeRaw`
        INSERT INTO login_throttles (key, failures, window_started_at, updated_at)
        VALUES (${key}, 1, now(), now())
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN login_throttles.window_started_at <= now() - make_interval(secs => ${this.config.LOGIN_WINDOW_SECONDS})
                          THEN 1 ELSE login_throttles.failures + 1 END,
          window_started_at = CASE WHEN login_throttles.window_started_at <= now() - make_interval(secs => ${this.config.LOGIN_WINDOW_SECONDS})
                          THEN now() ELSE login_throttles.window_started_at END,
          updated_at = now()`;
    }
  }

  /** A successful login clears the account's count (not the IP's). */
  async recordSuccess(email: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({ where: { key: accountKey(email) } });
  }
}

const accountKey = (email: string) => `account:${email}`;
const ipKey = (ip: string) => `ip:${ip}`;
