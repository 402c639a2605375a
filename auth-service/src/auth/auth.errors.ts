import { DomainError } from '@cowork/service-kit';

/** Unknown email and wrong password answer alike, so accounts cannot be discovered. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('INVALID_CREDENTIALS', 401, 'The email or password is not correct');
  }
}

export class EmailAlreadyRegisteredError extends DomainError {
  constructor() {
    super('EMAIL_TAKEN', 409, 'An account with this email already exists');
  }
}

export class InvalidRefreshTokenError extends DomainError {
  constructor(detail = 'The refresh token is not valid') {
    super('INVALID_REFRESH_TOKEN', 401, detail);
  }
}

export class RefreshTokenReusedError extends DomainError {
  constructor() {
    super(
      'REFRESH_TOKEN_REUSED',
      401,
      'This refresh token was already used; every session of this login has been revoked. Sign in again.',
    );
  }
}

export class AccountSuspendedError extends DomainError {
  constructor() {
    super('ACCOUNT_SUSPENDED', 401, 'This account is suspended');
  }
}

export class InvalidClientCredentialsError extends DomainError {
  constructor() {
    super('INVALID_CLIENT', 401, 'Unknown client id or wrong client secret');
  }
}
