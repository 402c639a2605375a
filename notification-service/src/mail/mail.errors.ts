import { DomainError } from '@cowork/service-kit';

/** A real SMTP server is configured, so there is no development sink to read. */
export class MailSinkDisabledError extends DomainError {
  constructor() {
    super(
      'MAIL_SINK_DISABLED',
      404,
      'The development mail sink is off: this service sends email to the SMTP server named by SMTP_HOST',
    );
  }
}
