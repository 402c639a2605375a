import { DomainError } from '@cowork/service-kit';
import type { ReportStatus } from '../generated/prisma/enums.js';

/** from..to spans more days than the endpoint allows (the limit is configuration). */
export class ReportRangeTooLongError extends DomainError {
  constructor(days: number, maxRangeDays: number, variable: string) {
    super(
      'REPORT_RANGE_TOO_LONG',
      400,
      `from..to spans ${days} days; at most ${maxRangeDays} days are allowed here (${variable})`,
      { maxRangeDays, errors: [{ field: 'to', messages: [`to must be at most ${maxRangeDays} days after from`] }] },
    );
  }
}

export class ReportNotFoundError extends DomainError {
  constructor(id: string) {
    super('REPORT_NOT_FOUND', 404, `Report ${id} was not found`);
  }
}

/** Still PENDING or GENERATING: try again later. */
export class ReportNotReadyError extends DomainError {
  constructor(id: string, status: ReportStatus) {
    super('REPORT_NOT_READY', 409, `Report ${id} is ${status}; download it once it is READY`, {
      reportStatus: status,
      retryAfterSeconds: 1,
    });
  }
}

/** Generation failed; the report will not become READY (request a new one). */
export class ReportFailedError extends DomainError {
  constructor(id: string, reason: string | null) {
    super('REPORT_FAILED', 409, `Report ${id} could not be generated: ${reason ?? 'unknown reason'}`, {
      reportStatus: 'FAILED',
    });
  }
}

/**
 * The read model holds something its own writer never stores (e.g. a time zone that is not
 * one): a bug or a hand edit. Not a client error: a live report answers 500, a stored one FAILED.
 */
export class ReadModelInconsistentError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ReadModelInconsistentError';
  }
}
