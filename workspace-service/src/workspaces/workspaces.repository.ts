import { afterCursor, KeysetCursor } from '@cowork/service-kit';
import type { OpeningRange } from '@cowork/workspace-rules';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, Workspace } from '../generated/prisma/client.js';
import { WorkspaceType } from '../generated/prisma/enums.js';

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

/** Prisma's "no record matched the where" (update with a condition that no longer holds). */
function isRecordNotFound(error: unknown): boolean {
  const e = error as { name?: string; code?: string };
  return e?.name === 'PrismaClientKnownRequestError' && e.code === 'P2025';
}

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

  create(data: WorkspaceData): Promise<Workspace> {
    return this.prisma.workspace.create({ data: { ...data, openingHours: openingHoursColumn(data.openingHours) } });
  }

  /**
   * Optimistic write: applies `data` only if the workspace is still at `version` (so a change
   * validated against what was read cannot interleave with another), and increments the version.
   * null when the workspace is gone or another write got there first.
   */
  async updateAtVersion(id: string, version: number, data: WorkspaceData): Promise<Workspace | null> {
    try {
      return await this.prisma.workspace.update({
        where: { id, version },
        data: { ...data, openingHours: openingHoursColumn(data.openingHours), version: { increment: 1 } },
      });
    } catch (error) {
      if (isRecordNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * Sets `active` and increments the version, unless it already has that value (then nothing is
   * written). Returns the workspace as it now is, or null when there is no such workspace.
   */
  async setActive(id: string, active: boolean): Promise<Workspace | null> {
    try {
      return await this.prisma.workspace.update({
        where: { id, active: !active },
        data: { active, version: { increment: 1 } },
      });
    } catch (error) {
      if (!isRecordNotFound(error)) throw error;
      return this.findById(id);
    }
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
