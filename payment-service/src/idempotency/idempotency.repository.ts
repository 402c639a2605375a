import { HotPathSql } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { IdempotencyRecord, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { IdempotencyStatus } from '../generated/prisma/enums.js';

export interface NewIdempotencyRecord {
  id: string;
  scope: string;
  key: string;
  requestHash: string;
  /** the normalised request, kept so the work can be finished without the caller */
  request: unknown;
  bookingId: string | null;
  lockToken: string;
  lockedUntil: Date;
  expiresAt: Date;
  createdAt: Date;
}

/** The holder of a claim: completing or releasing it needs both. */
export interface ClaimHandle {
  recordId: string;
  lockToken: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Idempotency records. Every change is conditional on the holder's lock token, so a holder
 * whose claim was taken over (it looked dead) can no longer complete or release it.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** every charge claims its key first: straight on the driver */
    private readonly sql: HotPathSql,
  ) {}

  /**
   * INSERT relying on the unique (scope, key): false when a record already holds the key (ON
   * CONFLICT waits for a concurrent claim of the key to commit or abort, as a unique violation would).
   */
  async insert(record: NewIdempotencyRecord): Promise<boolean> {
    const request = record.request === undefined || record.request === null ? null : JSON.stringify(record.request);
    const updatedAt = new Date().toISOString();
    const inserted = await this.sql.query(Prisma.sql`
      INSERT INTO idempotency_records
        (id, scope, key, request_hash, status, lock_token, locked_until, request, booking_id,
         expires_at, created_at, updated_at)
      VALUES (${record.id}::uuid, ${record.scope}, ${record.key}, ${record.requestHash}, 'IN_PROGRESS',
              ${record.lockToken}::uuid, ${record.lockedUntil.toISOString()}::timestamptz, ${request}::jsonb,
              ${record.bookingId}::uuid, ${record.expiresAt.toISOString()}::timestamptz,
              ${record.createdAt.toISOString()}::timestamptz, ${updatedAt}::timestamptz)
      ON CONFLICT (scope, key) DO NOTHING
      RETURNING id`);
    return inserted.length === 1;
  }

  find(scope: string, key: string): Promise<IdempotencyRecord | null> {
    return this.prisma.idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
  }

  /**
   * IN_PROGRESS claims of one endpoint (scope ending in `endpoint`) whose holder's lock ran out
   * by `now`, oldest lock first: their holders are presumed dead. Only records that kept their
   * request (every one claimed since the request is kept); expired ones too, since work may hang on them.
   */
  findStale(endpoint: string, now: Date, limit: number): Promise<IdempotencyRecord[]> {
    return this.prisma.idempotencyRecord.findMany({
      where: {
        status: IdempotencyStatus.IN_PROGRESS,
        lockedUntil: { lte: now },
        scope: { endsWith: ` ${endpoint}` },
        request: { not: Prisma.AnyNull },
      },
      orderBy: [{ lockedUntil: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  /** How many IN_PROGRESS claims of one endpoint concern this booking, whatever their lock. */
  countInProgress(endpoint: string, bookingId: string): Promise<number> {
    return this.prisma.idempotencyRecord.count({
      where: { status: IdempotencyStatus.IN_PROGRESS, bookingId, scope: { endsWith: ` ${endpoint}` } },
    });
  }

  /** Removes a record past its expiry (the key may then be used afresh). */
  async deleteExpired(id: string, now: Date): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { id, expiresAt: { lte: now } } });
  }

  /** Takes over an IN_PROGRESS claim whose holder's lock ran out; false when someone else was first. */
  async takeOver(id: string, previousLockToken: string, lockToken: string, lockedUntil: Date): Promise<boolean> {
    const { count } = await this.prisma.idempotencyRecord.updateMany({
      where: { id, status: IdempotencyStatus.IN_PROGRESS, lockToken: previousLockToken },
      data: { lockToken, lockedUntil },
    });
    return count === 1;
  }

  /** Stores the response; `db` may be a transaction that also writes what the response describes. */
  async complete(claim: ClaimHandle, response: StoredResponse): Promise<boolean> {
    const { count } = await this.prisma.idempotencyRecord.updateMany({
      where: { id: claim.recordId, lockToken: claim.lockToken, status: IdempotencyStatus.IN_PROGRESS },
      data: {
        status: IdempotencyStatus.COMPLETED,
        responseStatus: response.status,
        responseBody: response.body as Prisma.InputJsonValue,
      },
    });
    return count === 1;
  }

  /** Forgets the claim: the key is free again (nothing was done). */
  async delete(claim: ClaimHandle): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({
      where: { id: claim.recordId, lockToken: claim.lockToken, status: IdempotencyStatus.IN_PROGRESS },
    });
  }

  /** Keeps the claim (and its partial work) but lets a retry take it over at once. */
  async unlock(claim: ClaimHandle, now: Date): Promise<void> {
    await this.prisma.idempotencyRecord.updateMany({
      where: { id: claim.recordId, lockToken: claim.lockToken, status: IdempotencyStatus.IN_PROGRESS },
      data: { lockedUntil: now },
    });
  }
}
