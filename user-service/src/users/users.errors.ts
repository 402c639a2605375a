import { DomainError } from '@cowork/service-kit';

export class UserNotFoundError extends DomainError {
  constructor(id: string) {
    super('USER_NOT_FOUND', 404, `User ${id} was not found`);
  }
}

export class EmailTakenError extends DomainError {
  constructor() {
    super('EMAIL_TAKEN', 409, 'Another profile already uses this email');
  }
}

export class LastAdminError extends DomainError {
  constructor() {
    super('LAST_ADMIN', 409, 'The platform must keep at least one active admin');
  }
}
