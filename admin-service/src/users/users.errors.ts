import { DomainError } from '@cowork/service-kit';

export class UserNotFoundError extends DomainError {
  constructor(id: string) {
    super('USER_NOT_FOUND', 404, `User ${id} was not found`);
  }
}

/** user-service refused: the change would leave the platform without an active admin. */
export class LastAdminError extends DomainError {
  constructor() {
    super('LAST_ADMIN', 409, 'The platform must keep at least one active admin: promote another admin first');
  }
}

/** An admin suspending their own account would lock themself out mid-session; another admin must do it. */
export class CannotSuspendSelfError extends DomainError {
  constructor() {
    super('CANNOT_SUSPEND_SELF', 409, 'Admins cannot suspend themselves; ask another admin');
  }
}

/**
 * The suspension is done (user-service said so) but auth-service did not revoke the user's
 * sessions. Answered as 503 DEPENDENCY_UNAVAILABLE like any outage, saying plainly what is done
 * and what is not: retrying the suspension revokes them (suspending again changes nothing).
 */
export class SessionsNotRevokedError extends DomainError {
  constructor(userId: string, reason: string, retryAfterSeconds: number) {
    super(
      'DEPENDENCY_UNAVAILABLE',
      503,
      `User ${userId} IS suspended, but their sessions could not be revoked (${reason}): ` +
        'retry this request to revoke them; until then their refresh tokens are still refused at use, ' +
        'because auth-service checks the user status at every refresh',
      { dependency: 'auth-service', retryAfterSeconds, userId, userStatus: 'SUSPENDED', sessionsRevoked: false },
    );
  }
}
