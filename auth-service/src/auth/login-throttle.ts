import { RateLimitedError } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { AuthServiceConfig } from '../config.js';
import { PrismaClient } from '../generated/prisma/client.js';

/**
 * Failed logins counted per account and per client IP in a fixed window, in the database so
 * that every replica sees the same counts. Over the limit, even the right password gets 429
 * until the window ends.
 *
 * An attempt is counted (claimed) before its password is checked, in one atomic statement per
 * key, and given back when the password turns out right. Checking the count first and
 * recording the failure afterwards would let concurrent attempts all pass the check.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: AuthServiceConfig,
  ) {}

  /** Counts one attempt against the account and the IP, or throws 429 if either is at its limit. */
  async claimAttempt(email: string, ip: string): Promise<void> {
    const account = accountKey(email);
    const accountWait = await this.claim(account, this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT);
    if (accountWait !== undefined) throw new RateLimitedError(accountWait);
    const ipWait = await this.claim(ipKey(ip), this.config.LOGIN_MAX_FAILURES_PER_IP);
    if (ipWait !== undefined) {
      await this.giveBack(account);
      throw new RateLimitedError(ipWait);
    }
  }

  /**
   * The password was right: the attempt was not a failure. Clears the account's count and
   * gives the IP its attempt back (other accounts' failures from that IP still count).
   */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({ where: { key: accountKey(email) } });
    await this.giveBack(ipKey(ip));
  }

  /**
   * Adds one to the key's count in the current window (starting a new window if the last one
   * is over) unless the count is already at `limit`. Returns undefined when the attempt was
   * counted, else the seconds until the window ends. Concurrent claims on one key serialize on
   * its row, so at most `limit` of them succeed per window.
   */
  private async claim(key: string, limit: number): Promise<number | undefined> {
    const window = this.config.LOGIN_WINDOW_SECONDS;
    const claimed = await this.prisma.$queryRaw<{ failures: number }[]>`
      INSERT INTO login_throttles (key, failures, window_started_at, updated_at)
      VALUES (${key}, 1, now(), now())
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_throttles.window_started_at <= now() - make_interval(secs => ${window})
                        THEN 1 ELSE login_throttles.failures + 1 END,
        window_started_at = CASE WHEN login_throttles.window_started_at <= now() - make_interval(secs => ${window})
                        THEN now() ELSE login_throttles.window_started_at END,
        updated_at = now()
      WHERE login_throttles.window_started_at <= now() - make_interval(secs => ${window})
         OR login_throttles.failures < ${limit}
      RETURNING failures`;
    if (claimed.length > 0) return undefined;
    const [row] = await this.prisma.$queryRaw<{ retry_after: number }[]>`
      SELECT CEIL(EXTRACT(EPOCH FROM (window_started_at + make_interval(secs => ${window}) - now())))::int AS retry_after
        FROM login_throttles
       WHERE key = ${key}`;
    return Math.max(1, row?.retry_after ?? 1);
  }

  /**
   * One batch of the purge: deletes up to `limit` rows whose window ended, of the keys after
   * `after` (in key order). Such a row says nothing any more: the key's next claim would start a
   * new window at 1 anyway, and without the row it inserts one. Returns the rows deleted and the
   * key the next batch starts after (undefined when no stale key is left past this batch).
   *
   * One DELETE. The window is checked again on the row being deleted, so a row that a concurrent
   * claim has just moved to a new window is left alone (a claim never loses its count), and two
   * replicas purging at once merely find fewer rows to delete.
   */
  async purgeEndedWindows(after: string, limit: number): Promise<{ purged: number; next?: string }> {
    const window = this.config.LOGIN_WINDOW_SECONDS;
    const [batch] = await this.prisma.$queryRaw<{ scanned: number; last: string | null; purged: number }[]>`
      WITH stale AS (
        SELECT key FROM login_throttles
         WHERE key > ${after} AND window_started_at <= now() - make_interval(secs => ${window})
         ORDER BY key
         LIMIT ${limit}
      ), purged AS (
        DELETE FROM login_throttles t USING stale
         WHERE t.key = stale.key AND t.window_started_at <= now() - make_interval(secs => ${window})
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM stale)::int AS scanned,
             (SELECT max(key) FROM stale) AS last,
             (SELECT count(*) FROM purged)::int AS purged`;
    if (!batch) return { purged: 0 };
    return { purged: batch.purged, next: batch.scanned >= limit ? (batch.last ?? undefined) : undefined };
  }

  private async giveBack(key: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE login_throttles SET failures = failures - 1, updated_at = now()
       WHERE key = ${key} AND failures > 0`;
  }
}

const accountKey = (email: string) => `account:${email}`;
const ipKey = (ip: string) => `ip:${ip}`;
