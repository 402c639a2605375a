import type { FieldViolation } from '@cowork/service-kit';

/**
 * A source answered a page that breaks the audit-entries contract. Internal to the collector
 * (never a client's answer): it is logged and the source's cursor stays where it is.
 */
export class InvalidAuditPageError extends Error {
  constructor(
    readonly source: string,
    readonly violations: FieldViolation[],
  ) {
    super(
      `${source} answered an invalid audit page: ${violations
        .slice(0, 5)
        .map((v) => `${v.field}: ${v.messages.join(', ')}`)
        .join('; ')}`,
    );
    this.name = 'InvalidAuditPageError';
  }
}
