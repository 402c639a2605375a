import { Injectable } from '@nestjs/common';
import { AuditLogRepository, OwnAuditEntry } from '../audit/audit-log.repository.js';
import { Prisma, PrismaClient, SettingsVersion } from '../generated/prisma/client.js';

/** The platform settings booking-service applies. */
export interface PlatformSettings {
  cancellationFullRefundHours: number;
  bookingHoldMinutes: number;
}

export interface SettingsVersionRecord {
  version: number;
  values: PlatformSettings;
  changedBy: string | null;
  changedAt: Date;
}

/** What a change decides, seeing the version in force under the lock. */
export type SettingsDecision = { kind: 'unchanged' } | { kind: 'changed'; values: PlatformSettings };

export interface ChangeContext {
  actorId: string;
  requestId: string | null;
}

/** The advisory lock that makes settings changes take turns (a fixed key of this service's database). */
const SETTINGS_LOCK = { classId: 300702, objectId: 0 };

@Injectable()
export class SettingsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly auditLog: AuditLogRepository,
  ) {}

  /** The version in force: the newest (version 1 is seeded by the migration, so there always is one). */
  async current(): Promise<SettingsVersionRecord> {
    const row = await this.prisma.settingsVersion.findFirstOrThrow({ orderBy: { version: 'desc' } });
    return toRecord(row);
  }

  /**
   * Changes run one at a time under a transaction-scoped advisory lock: `decide` sees the version
   * really in force (and may throw to refuse), and a new version is written as version + 1
   * together with its audit entry, in the same transaction. An unchanged decision writes nothing.
   */
  async change(
    decide: (current: SettingsVersionRecord) => SettingsDecision,
    context: ChangeContext,
  ): Promise<SettingsVersionRecord> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETTINGS_LOCK.classId}::int, ${SETTINGS_LOCK.objectId}::int)`;
      const current = toRecord(await tx.settingsVersion.findFirstOrThrow({ orderBy: { version: 'desc' } }));
      const decision = decide(current);
      if (decision.kind === 'unchanged') return current;
      const next = toRecord(
        await tx.settingsVersion.create({
          data: {
            version: current.version + 1,
            values: decision.values as unknown as Prisma.InputJsonObject,
            changedBy: context.actorId,
            requestId: context.requestId,
          },
        }),
      );
      await this.auditLog.appendOwn(tx, settingsUpdated(current, next, context));
      return next;
    });
  }
}

function toRecord(row: SettingsVersion): SettingsVersionRecord {
  const values = row.values as unknown as PlatformSettings;
  return {
    version: row.version,
    values: {
      cancellationFullRefundHours: values.cancellationFullRefundHours,
      bookingHoldMinutes: values.bookingHoldMinutes,
    },
    changedBy: row.changedBy,
    changedAt: row.changedAt,
  };
}

function settingsUpdated(
  before: SettingsVersionRecord,
  after: SettingsVersionRecord,
  context: ChangeContext,
): OwnAuditEntry {
  return {
    occurredAt: after.changedAt,
    actorId: context.actorId,
    action: 'settings.updated',
    targetType: 'settings',
    targetId: String(after.version),
    before: { version: before.version, ...before.values },
    after: { version: after.version, ...after.values },
    requestId: context.requestId,
  };
}
