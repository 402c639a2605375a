import { afterCursor, KeysetCursor, recordAdminAction } from '@cowork/service-kit';
import type { OpeningRange } from '@cowork/workspace-rules';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, Workspace } from '../generated/prisma/client.js';
import { WorkspaceType } from '../generated/prisma/enums.js';
import { WorkspaceDto } from './dto/workspace.dto.js';

/** Every field of a workspace an admin sets, validated and normalised by the service. */
export interface WorkspaceData {
  name: string;
  description: string | null;
  type: WorkspaceType;
  capacity: number;
  hourlyRateCents: number;
  currency: string;
  timezone: string;
  /** null: open at all times */
  openingHours: OpeningRange[] | null;
  minBookingMinutes: number;
  maxBookingMinutes: number;
}

export interface WorkspaceFilter {
  type?: WorkspaceType;
  minCapacity?: number;
  active: boolean;
}

/** What an update changed, for the audit trail: only the fields whose value differs, before and after. */
export interface WorkspaceChanges {
  before: Partial<WorkspaceData>;
  after: Partial<WorkspaceData>;
}

const TARGET_TYPE = 'workspace';

/** jsonb NULL (not the JSON value null) when a workspace is open at all times. */
function openingHoursColumn(hours: OpeningRange[] | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return hours === null
    ? Prisma.DbNull
    : (hours.map((r) => ({ day: r.day, open: r.open, close: r.close })) as Prisma.InputJsonArray);
}

@Injectable()
export class WorkspacesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findById(id: string): Promise<Workspace | null> {
    return this.prisma.workspace.findUnique({ where: { id } });
  }

  /** Creates the workspace and records `workspace.created` (the workspace as the API returns it), atomically. */
  create(data: WorkspaceData, actorId: string): Promise<Workspace> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.workspace.create({
        data: { ...data, openingHours: openingHoursColumn(data.openingHours) },
      });
      await recordAdminAction(tx, {
        action: 'workspace.created',
        targetType: TARGET_TYPE,
        targetId: row.id,
        actorId,
        after: WorkspaceDto.from(row),
      });
      return row;
    });
  }

  /**
   * Optimistic write: applies `data` only if the workspace is still at `version` (so a change
   * validated against what was read cannot interleave with another), and increments the version.
   * null when the workspace is gone or another write got there first. A write is recorded as
   * `workspace.updated` (the changed fields before and after) in the same transaction.
   */
  async updateAtVersion(
    id: string,
    version: number,
    data: WorkspaceData,
    actorId: string,
    changes: WorkspaceChanges,
  ): Promise<Workspace | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.workspace.updateMany({
        where: { id, version },
        data: { ...data, openingHours: openingHoursColumn(data.openingHours), version: { increment: 1 } },
      });
      if (count !== 1) return null;
      await recordAdminAction(tx, {
        action: 'workspace.updated',
        targetType: TARGET_TYPE,
        targetId: id,
        actorId,
        before: changes.before,
        after: changes.after,
      });
      return tx.workspace.findUniqueOrThrow({ where: { id } });
    });
  }

  /**
   * Sets `active` and increments the version, unless it already has that value (then nothing is
   * written, nor audited). A change is recorded as `workspace.activated` / `workspace.deactivated`
   * in the same transaction. Returns the workspace as it now is, or null when there is no such workspace.
   */
  async setActive(id: string, active: boolean, actorId: string): Promise<Workspace | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.workspace.updateMany({
        where: { id, active: !active },
        data: { active, version: { increment: 1 } },
      });
      if (count === 1) {
        await recordAdminAction(tx, {
          action: active ? 'workspace.activated' : 'workspace.deactivated',
          targetType: TARGET_TYPE,
          targetId: id,
          actorId,
          before: { active: !active },
          after: { active },
        });
      }
      return tx.workspace.findUnique({ where: { id } });
    });
  }

  /** Newest first, keyset-paginated; fetches one extra row to know whether there is a next page. */
  list(filter: WorkspaceFilter, limit: number, cursor?: KeysetCursor): Promise<Workspace[]> {
    const where: Prisma.WorkspaceWhereInput = {
      AND: [
        afterCursor(cursor),
        { active: filter.active },
        filter.type ? { type: filter.type } : {},
        filter.minCapacity !== undefined ? { capacity: { gte: filter.minCapacity } } : {},
      ],
    };
    return this.prisma.workspace.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }
}
