import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AuthServiceConfig } from '../config.js';
import { PrismaClient, RefreshToken } from '../generated/prisma/client.js';

export type RotationOutcome =
  | { kind: 'rotated'; token: string; userId: string }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  /** revoked without having been used (logout, suspension, an earlier reuse): not a new reuse */
  | { kind: 'revoked' }
  | { kind: 'reused'; userId: string };

/**
 * Opaque refresh tokens, stored as SHA-256 hashes, grouped in families (one family = one
 * login). Each use rotates the token; presenting a used or revoked token revokes the family.
 */
@Injectable()
export class RefreshTokens {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: AuthServiceConfig,
  ) {}

  /** Starts a new family (a login or a registration). */
  async issue(userId: string): Promise<string> {
    const token = newToken();
    await this.prisma.refreshToken.create({
      data: { ...this.row(token, userId), familyId: randomUUID() },
    });
    return token;
  }

  find(token: string): Promise<RefreshToken | null> {
    return this.prisma.refreshToken.findUnique({ where: { tokenHash: hashToken(token) } });
  }

  /**
   * Exchanges `token` for a new one in the same family. The claim is one conditional UPDATE,
   * so of two concurrent uses exactly one wins; the loser is treated as reuse.
   * Presenting a used token is reuse (the family is revoked); a token that was revoked
   * without being used (logout, suspension) is merely no longer valid.
   */
  async rotate(token: string): Promise<RotationOutcome> {
    const current = await this.find(token);
    if (!current) return { kind: 'unknown' };
    if (current.usedAt) {
      await this.revokeFamily(current.familyId);
      return { kind: 'reused', userId: current.userId };
    }
    if (current.revokedAt) return { kind: 'revoked' };
    if (current.expiresAt.getTime() <= Date.now()) return { kind: 'expired' };
    const next = newToken();
    const claimed = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.refreshToken.updateMany({
        where: { id: current.id, usedAt: null, revokedAt: null },
        data: { usedAt: new Date() },
      });
      if (count === 0) return false;
      await tx.refreshToken.create({ data: { ...this.row(next, current.userId), familyId: current.familyId } });
      return true;
    });
    if (!claimed) {
      // lost the race: to a concurrent use of the same token (reuse), or to a revocation
      const latest = await this.prisma.refreshToken.findUnique({ where: { id: current.id } });
      if (!latest?.usedAt) return { kind: 'revoked' };
      await this.revokeFamily(current.familyId);
      return { kind: 'reused', userId: current.userId };
    }
    return { kind: 'rotated', token: next, userId: current.userId };
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.prisma.refreshToken.updateMany({
      where: { familyId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }

  /** Every session of a user (suspension, password change). */
  async revokeAllOf(userId: string): Promise<number> {
    const { count } = await this.prisma.refreshToken.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count;
  }

  /**
   * One batch of the purge: deletes up to `limit` families (logins) whose every token expired
   * more than REFRESH_TOKEN_RETENTION_DAYS ago, each family as a whole. Returns the families and
   * the tokens deleted.
   *
   * Reuse detection needs a family's spent tokens for as long as the family can be rotated:
   * presenting a spent token answers reuse and revokes the family, however old that token is.
   * So nothing is deleted token by token: a family goes only once all of its tokens, the unspent
   * one (the only one that can be rotated) included, expired, and the retention period after that
   * has passed. Until then presenting any of them, revoked ones included, is answered as before.
   * Candidates are the families' unspent tokens (a family has one: rotation spends a token and
   * adds the next in one transaction), found through the partial index
   * refresh_tokens_unspent_expires_at_idx; the NOT EXISTS keeps a family that still has a later
   * token, whatever the reason.
   *
   * One DELETE, safe with several replicas: a family it selects can no longer change (nothing in
   * it is valid, so nothing rotates it), and two replicas purging the same family at once only
   * delete each row once between them.
   */
  async purgeExpiredFamilies(limit: number): Promise<{ families: number; tokens: number }> {
    const retentionDays = this.config.REFRESH_TOKEN_RETENTION_DAYS;
    const [batch] = await this.prisma.$queryRaw<{ families: number; tokens: number }[]>`
      WITH ended AS (
        SELECT unspent.family_id FROM refresh_tokens unspent
         WHERE unspent.used_at IS NULL
           AND unspent.expires_at < now() - make_interval(days => ${retentionDays}::int)
           AND NOT EXISTS (
             SELECT 1 FROM refresh_tokens later
              WHERE later.family_id = unspent.family_id
                AND later.expires_at >= now() - make_interval(days => ${retentionDays}::int))
         LIMIT ${limit}
      ), purged AS (
        DELETE FROM refresh_tokens WHERE family_id IN (SELECT family_id FROM ended)
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM ended)::int AS families, (SELECT count(*) FROM purged)::int AS tokens`;
    return batch ?? { families: 0, tokens: 0 };
  }

  private row(token: string, userId: string) {
    return {
      id: randomUUID(),
      tokenHash: hashToken(token),
      userId,
      expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000),
    };
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
