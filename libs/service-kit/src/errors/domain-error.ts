/**
 * A failure the caller can act on. Use cases throw subclasses with a stable `code`;
 * the one ProblemDetailsFilter maps them to application/problem+json (RFC 9457).
 */
export class DomainError extends Error {
  constructor(
    /** stable, machine-readable, SCREAMING_SNAKE_CASE; part of the API contract */
    readonly code: string,
    readonly status: number,
    detail: string,
    /** extra members of the problem document (RFC 9457 extensions) */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export interface FieldViolation {
  field: string;
  messages: string[];
}

export class ValidationFailedError extends DomainError {
  constructor(
    readonly violations: FieldViolation[],
    detail?: string,
  ) {
    super(
      'VALIDATION_FAILED',
      400,
      detail ?? violations.map((v) => `${v.field}: ${v.messages.join(', ')}`).join('; '),
      { errors: violations },
    );
  }

  static forField(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError([{ field, messages: [message] }]);
  }
}

export class AuthenticationRequiredError extends DomainError {
  constructor(detail = 'A valid access token is required') {
    super('UNAUTHENTICATED', 401, detail);
  }
}

export class ForbiddenError extends DomainError {
  constructor(detail = 'You are not allowed to do this') {
    super('FORBIDDEN', 403, detail);
  }
}

export class ResourceNotFoundError extends DomainError {
  constructor(resource: string, id?: string) {
    super(
      `${resource.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_NOT_FOUND`,
      404,
      id ? `${resource} ${id} was not found` : `${resource} was not found`,
    );
  }
}

export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    detail = 'Too many attempts; try again later',
  ) {
    super('RATE_LIMITED', 429, detail, { retryAfterSeconds });
  }
}

/** A service this one depends on is down, slow or its circuit is open. */
export class DependencyUnavailableError extends DomainError {
  constructor(
    readonly dependency: string,
    readonly retryAfterSeconds = 5,
    reason?: string,
  ) {
    super(
      'DEPENDENCY_UNAVAILABLE',
      503,
      `${dependency} is unavailable${reason ? ` (${reason})` : ''}; try again later`,
      { dependency, retryAfterSeconds },
    );
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 422, 'This Idempotency-Key was already used with a different request body');
  }
}

export class IdempotentRequestInFlightError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENT_REQUEST_IN_FLIGHT',
      409,
      'A request with this Idempotency-Key is still being processed; retry shortly',
      { retryAfterSeconds: 1 },
    );
  }
}
