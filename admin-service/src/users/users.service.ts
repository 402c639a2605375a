import { DependencyUnavailableError, DownstreamRejectedError, ValidationFailedError } from '@cowork/service-kit';
import type { FieldViolation, UserPrincipal } from '@cowork/service-kit';
import { Injectable, Logger } from '@nestjs/common';
import { AuthClient } from '../clients/auth.client.js';
import { BookingClient } from '../clients/booking.client.js';
import { UserClient, UserRecord } from '../clients/user.client.js';
import { AdminUserPageDto, SuspensionDto, UserDto } from './dto/user.dto.js';
import { ListUsersQuery } from './dto/user-requests.dto.js';
import { CannotSuspendSelfError, LastAdminError, SessionsNotRevokedError, UserNotFoundError } from './users.errors.js';

/**
 * User administration through user-service, always with the admin's own token: user-service
 * authorizes the admin, keeps its rules (the last active admin stays), and records the change in
 * its audit trail with the admin as actor. This service writes no audit entry of its own for
 * these: the collector brings user-service's in, so each action is recorded exactly once.
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UserClient,
    private readonly auth: AuthClient,
    private readonly bookings: BookingClient,
  ) {}

  /** One page of user-service's list, each user with their booking count (one booking-service call). */
  async list(query: ListUsersQuery, adminToken: string): Promise<AdminUserPageDto> {
    let page;
    try {
      page = await this.users.list(
        { search: query.search, role: query.role, status: query.status, limit: query.limit, cursor: query.cursor },
        adminToken,
      );
    } catch (error) {
      // our validation mirrors user-service's; what it can still refuse is the opaque cursor
      if (error instanceof DownstreamRejectedError && error.downstreamStatus === 400) {
        const named = error.problem.errors;
        throw Array.isArray(named) && named.length
          ? new ValidationFailedError(named as FieldViolation[])
          : ValidationFailedError.forField('cursor', 'cursor is not a valid page cursor');
      }
      throw error;
    }
    const missing: string[] = [];
    let counts: Map<string, number> | undefined;
    try {
      counts = await this.bookings.counts(page.items.map((user) => user.id));
    } catch (error) {
      // the list is still useful without counts: say which part is missing instead of failing it
      this.logger.warn(`booking counts unavailable: ${(error as Error).message}`);
      missing.push('booking-service');
    }
    return {
      items: page.items.map((user) => ({
        ...UserDto.from(user),
        bookingCount: counts ? (counts.get(user.id) ?? 0) : null,
      })),
      nextCursor: page.nextCursor ?? null,
      missing,
    };
  }

  /**
   * Suspends in user-service, then revokes the user's sessions in auth-service. Both steps are
   * idempotent, so a retry finishes what an earlier attempt left undone.
   */
  async suspend(admin: UserPrincipal, id: string, adminToken: string): Promise<SuspensionDto> {
    if (admin.userId === id) throw new CannotSuspendSelfError();
    const user = await this.change(id, () => this.users.setStatus(id, 'SUSPENDED', adminToken));
    let revokedSessions: number;
    try {
      revokedSessions = await this.auth.revokeSessions(id);
    } catch (error) {
      this.logger.warn(`user ${id} suspended, sessions not revoked: ${(error as Error).message}`);
      const retryAfter = error instanceof DependencyUnavailableError ? error.retryAfterSeconds : 5;
      throw new SessionsNotRevokedError(id, reasonOf(error), retryAfter);
    }
    return { user: UserDto.from(user), revokedSessions };
  }

  reactivate(id: string, adminToken: string): Promise<UserDto> {
    return this.changed(id, () => this.users.setStatus(id, 'ACTIVE', adminToken));
  }

  promote(id: string, adminToken: string): Promise<UserDto> {
    return this.changed(id, () => this.users.setRole(id, 'ADMIN', adminToken));
  }

  demote(id: string, adminToken: string): Promise<UserDto> {
    return this.changed(id, () => this.users.setRole(id, 'MEMBER', adminToken));
  }

  private async changed(id: string, call: () => Promise<UserRecord>): Promise<UserDto> {
    return UserDto.from(await this.change(id, call));
  }

  /** user-service's refusals as this service's errors; outages pass through as 503. */
  private async change(id: string, call: () => Promise<UserRecord>): Promise<UserRecord> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof DownstreamRejectedError) {
        if (error.downstreamStatus === 404) throw new UserNotFoundError(id);
        if (error.downstreamStatus === 409 && error.code === 'LAST_ADMIN') throw new LastAdminError();
      }
      throw error;
    }
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof DownstreamRejectedError) return `auth-service answered ${error.downstreamStatus}`;
  if (error instanceof DependencyUnavailableError) return error.message.replace(/; try again later$/, '');
  return 'auth-service failed';
}
