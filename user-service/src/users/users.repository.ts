import { afterCursor, containsText, KeysetCursor, recordAdminAction } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { PrismaClient, UserProfile } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { UserRole, UserStatus } from '../generated/prisma/enums.js';

export interface UserFilter {
  search?: string;
  role?: UserRole;
  status?: UserStatus;
}

/** Serialises role/status changes so "at least one active admin" holds under concurrency. */
const ADMIN_CHANGE_LOCK = 4_210_001;

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findById(id: string): Promise<UserProfile | null> {
    return this.prisma.userProfile.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<UserProfile | null> {
    return this.prisma.userProfile.findUnique({ where: { email } });
  }

  create(data: { id: string; email: string; fullName: string; role: UserRole }): Promise<UserProfile> {
    return this.prisma.userProfile.create({ data });
  }

  updateFullName(id: string, fullName: string): Promise<UserProfile> {
    return this.prisma.userProfile.update({ where: { id }, data: { fullName } });
  }

  delete(id: string): Promise<number> {
    return this.prisma.userProfile.deleteMany({ where: { id } }).then((r) => r.count);
  }

  /** Newest first, keyset-paginated; fetches one extra row to know whether there is a next page. */
  list(filter: UserFilter, limit: number, cursor?: KeysetCursor): Promise<UserProfile[]> {
    const where: Prisma.UserProfileWhereInput = {
      AND: [
        afterCursor(cursor),
        filter.role ? { role: filter.role } : {},
        filter.status ? { status: filter.status } : {},
        filter.search
          ? { OR: [{ email: containsText(filter.search) }, { fullName: containsText(filter.search) }] }
          : {},
      ],
    };
    return this.prisma.userProfile.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }

  /** Users per role and per status, counted by the database. */
  async counts(): Promise<{
    byRole: Partial<Record<UserRole, number>>;
    byStatus: Partial<Record<UserStatus, number>>;
  }> {
    const [roles, statuses] = await Promise.all([
      this.prisma.userProfile.groupBy({ by: ['role'], _count: { _all: true } }),
      this.prisma.userProfile.groupBy({ by: ['status'], _count: { _all: true } }),
    ]);
    return {
      byRole: Object.fromEntries(roles.map((r) => [r.role, r._count._all])),
      byStatus: Object.fromEntries(statuses.map((r) => [r.status, r._count._all])),
    };
  }

  /**
   * Applies a role or status change unless it would leave no active admin. The check and the
   * write happen in one transaction under an advisory lock, so two admins demoting each other
   * at once cannot both succeed. A real change is audited in the same transaction; a repeat of
   * it changes nothing and records nothing.
   */
  async changeRoleOrStatus(
    id: string,
    change: { role?: UserRole; status?: UserStatus },
    actorId: string,
  ): Promise<{ updated: UserProfile | null; wouldRemoveLastAdmin: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK})`;
      const current = await tx.userProfile.findUnique({ where: { id } });
      if (!current) return { updated: null, wouldRemoveLastAdmin: false };
      const isActiveAdmin = current.role === UserRole.ADMIN && current.status === UserStatus.ACTIVE;
      const staysActiveAdmin =
        (change.role ?? current.role) === UserRole.ADMIN && (change.status ?? current.status) === UserStatus.ACTIVE;
      if (isActiveAdmin && !staysActiveAdmin) {
        const activeAdmins = await tx.userProfile.count({
          where: { role: UserRole.ADMIN, status: UserStatus.ACTIVE },
        });
        if (activeAdmins <= 1) return { updated: current, wouldRemoveLastAdmin: true };
      }
      const role = change.role ?? current.role;
      const status = change.status ?? current.status;
      if (role === current.role && status === current.status) return { updated: current, wouldRemoveLastAdmin: false };
      const updated = await tx.userProfile.update({ where: { id }, data: change });
      await recordAdminAction(tx, {
        action: role !== current.role ? 'user.role_changed' : 'user.status_changed',
        targetType: 'user',
        targetId: id,
        actorId,
        before: { role: current.role, status: current.status },
        after: { role: updated.role, status: updated.status },
      });
      return { updated, wouldRemoveLastAdmin: false };
    });
  }
}
