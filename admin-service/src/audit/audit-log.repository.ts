import type { KeysetCursor } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OWN_AUDIT_SOURCE } from '../config.js';
import { AuditLogEntry, Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { SourceAuditEntryDto } from './dto/source-entry.dto.js';

/** What admin-service records about its own actions, straight into the log. */
export interface OwnAuditEntry {
  occurredAt: Date;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  source?: string;
  targetId?: string;
  /** occurredAt in [from, to) */
  from?: Date;
  to?: Date;
}

export type StorePageOutcome =
  | { kind: 'stored'; inserted: number }
  /** another collector holds this source right now */
  | { kind: 'busy' }
  /** another collector advanced the cursor since this page was asked for: ask again from there */
  | { kind: 'moved' };

/** The advisory-lock class of per-source collection (the object id is hashtext(source)); any fixed number. */
export const AUDIT_SOURCE_LOCK_CLASS = 300701;

const json = (value: Record<string, unknown> | null | undefined) =>
  value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonObject);

/** Only this repository touches audit_log and audit_cursors. audit_log is append-only (a trigger refuses the rest). */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records one of admin-service's own actions, inside the caller's transaction (with the change itself). */
  async appendOwn(tx: Prisma.TransactionClient, entry: OwnAuditEntry): Promise<void> {
    const id = randomUUID();
    await tx.auditLogEntry.create({
      data: {
        id,
        source: OWN_AUDIT_SOURCE,
        sourceEntryId: id,
        sequence: null,
        occurredAt: entry.occurredAt,
        actorId: entry.actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        before: json(entry.before),
        after: json(entry.after),
        requestId: entry.requestId,
      },
    });
  }

  /** A cursor row (at 0) for every source that has none yet. */
  async ensureCursors(sources: string[]): Promise<void> {
    if (sources.length === 0) return;
    await this.prisma.auditCursor.createMany({
      data: sources.map((source) => ({ source, lastSequence: 0n })),
      skipDuplicates: true,
    });
  }

  /** The last sequence of `source` already stored (0 before the first entry). */
  async cursorOf(source: string): Promise<number> {
    const row = await this.prisma.auditCursor.findUnique({ where: { source } });
    return Number(row?.lastSequence ?? 0n);
  }

  /**
   * Stores one page of `source`, read from cursor `after`, and moves the cursor to `nextAfter`,
   * in one transaction. Replicas: the transaction first takes the source's advisory lock without
   * waiting (a collector already on this source makes this one stand back), then checks the
   * cursor is still `after` (compare-and-set), so no page is stored twice and the cursor never
   * skips or goes back; UNIQUE (source, source_entry_id) with ON CONFLICT DO NOTHING backs it up.
   * No transaction is held open while a source is asked over HTTP.
   */
  async storePage(
    source: string,
    after: number,
    entries: SourceAuditEntryDto[],
    nextAfter: number,
  ): Promise<StorePageOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(${AUDIT_SOURCE_LOCK_CLASS}::int, hashtext(${source})) AS locked`;
      if (!lock?.locked) return { kind: 'busy' as const };
      const cursor = await tx.auditCursor.findUnique({ where: { source } });
      if (Number(cursor?.lastSequence ?? 0n) !== after) return { kind: 'moved' as const };
      let inserted = 0;
      if (entries.length > 0) {
        ({ count: inserted } = await tx.auditLogEntry.createMany({
          data: entries.map((entry) => ({
            id: randomUUID(),
            source,
            sourceEntryId: entry.id,
            sequence: BigInt(entry.sequence),
            occurredAt: new Date(entry.occurredAt),
            actorId: entry.actorId ?? null,
            action: entry.action,
            targetType: entry.targetType,
            targetId: entry.targetId,
            before: json(entry.before),
            after: json(entry.after),
            requestId: entry.requestId ?? null,
          })),
          skipDuplicates: true,
        }));
      }
      await tx.auditCursor.update({ where: { source }, data: { lastSequence: BigInt(nextAfter) } });
      return { kind: 'stored' as const, inserted };
    });
  }

  /** Newest first by occurredAt (then id); one extra row tells whether there is a next page. */
  list(filter: AuditFilter, limit: number, cursor?: KeysetCursor): Promise<AuditLogEntry[]> {
    const occurredAt: Prisma.DateTimeFilter = {};
    if (filter.from) occurredAt.gte = filter.from;
    if (filter.to) occurredAt.lt = filter.to;
    const before = cursor ? new Date(cursor.createdAt) : undefined;
    return this.prisma.auditLogEntry.findMany({
      where: {
        AND: [
          before ? { OR: [{ occurredAt: { lt: before } }, { occurredAt: before, id: { lt: cursor!.id } }] } : {},
          filter.actorId ? { actorId: filter.actorId } : {},
          filter.action ? { action: filter.action } : {},
          filter.source ? { source: filter.source } : {},
          filter.targetId ? { targetId: filter.targetId } : {},
          filter.from || filter.to ? { occurredAt } : {},
        ],
      },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }
}
