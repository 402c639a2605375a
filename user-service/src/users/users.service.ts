import { decodeCursor, isAdmin, isUniqueViolation, Page, Principal, toPage } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { UserRole, UserStatus } from '../generated/prisma/enums.js';
import { CreateProfileDto, ListUsersQuery } from './dto/user-requests.dto.js';
import { UserDto, UserStatsDto } from './dto/user.dto.js';
import { EmailTakenError, LastAdminError, UserNotFoundError } from './users.errors.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async get(id: string): Promise<UserDto> {
    const row = await this.users.findById(id);
    if (!row) throw new UserNotFoundError(id);
    return UserDto.from(row);
  }

  /** Self, admins and services may read a profile; to anyone else it does not exist. */
  async getAs(principal: Principal, id: string): Promise<UserDto> {
    const self = principal.kind === 'user' && principal.userId === id;
    if (!self && principal.kind === 'user' && !isAdmin(principal)) throw new UserNotFoundError(id);
    return this.get(id);
  }

  async updateFullName(id: string, fullName: string): Promise<UserDto> {
    if (!(await this.users.findById(id))) throw new UserNotFoundError(id);
    return UserDto.from(await this.users.updateFullName(id, fullName));
  }

  async list(query: ListUsersQuery): Promise<Page<UserDto>> {
    const rows = await this.users.list(
      { search: query.search, role: query.role, status: query.status },
      query.limit,
      decodeCursor(query.cursor),
    );
    return toPage(rows, query.limit, UserDto.from);
  }

  /**
   * Idempotent on the id: auth-service may retry after a timeout, and the same request
   * returns the profile it created. The same email under another id is a conflict.
   */
  async createProfile(input: CreateProfileDto): Promise<{ user: UserDto; created: boolean }> {
    const existing = await this.users.findById(input.id);
    if (existing) {
      if (existing.email !== input.email) throw new EmailTakenError();
      return { user: UserDto.from(existing), created: false };
    }
    try {
      const row = await this.users.create({
        id: input.id,
        email: input.email,
        fullName: input.fullName,
        role: input.role ?? UserRole.MEMBER,
      });
      return { user: UserDto.from(row), created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // a concurrent retry of the same request won the race: answer as a replay
      const winner = await this.users.findById(input.id);
      if (winner && winner.email === input.email) return { user: UserDto.from(winner), created: false };
      throw new EmailTakenError();
    }
  }

  async stats(): Promise<UserStatsDto> {
    const { byRole, byStatus } = await this.users.counts();
    const zeroes = <K extends string>(keys: K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    return {
      total: Object.values(byRole).reduce((a, b) => a + b, 0),
      byRole: { ...zeroes(Object.values(UserRole)), ...byRole },
      byStatus: { ...zeroes(Object.values(UserStatus)), ...byStatus },
    };
  }

  /** Compensation for a registration that failed after the profile was created. */
  async deleteProfile(id: string): Promise<void> {
    await this.users.delete(id);
  }

  changeRole(id: string, role: UserRole, actorId: string): Promise<UserDto> {
    return this.change(id, { role }, actorId);
  }

  changeStatus(id: string, status: UserStatus, actorId: string): Promise<UserDto> {
    return this.change(id, { status }, actorId);
  }

  private async change(
    id: string,
    change: { role?: UserRole; status?: UserStatus },
    actorId: string,
  ): Promise<UserDto> {
    const { updated, wouldRemoveLastAdmin } = await this.users.changeRoleOrStatus(id, change, actorId);
    if (!updated) throw new UserNotFoundError(id);
    if (wouldRemoveLastAdmin) throw new LastAdminError();
    return UserDto.from(updated);
  }
}
