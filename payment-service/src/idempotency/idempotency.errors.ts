import { DomainError } from '@cowork/service-kit';

export class IdempotencyKeyRequiredError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_REQUIRED',
      400,
      'Send an Idempotency-Key header of 1 to 255 printable ASCII characters (no spaces)',
    );
  }
}

/** A stored error answer, given again to a replay of the request that got it. */
export class ReplayedProblemError extends DomainError {}
