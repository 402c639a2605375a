import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { NotificationServiceConfig } from '../config.js';
import { MailSink } from './mail-sink.js';

/** Message-IDs are derived from the notification id, so every attempt of one email carries the same one. */
export const MESSAGE_ID_DOMAIN = 'cowork.local';

export function messageIdOf(notificationId: string): string {
  return `<${notificationId}@${MESSAGE_ID_DOMAIN}>`;
}

export interface OutgoingEmail {
  notificationId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface AcceptedEmail {
  messageId: string;
  /** the server's final reply, e.g. "250 2.0.0 Ok: queued as 4F2A1" */
  response: string;
}

/** The send did not finish within MAIL_SEND_TIMEOUT_MS. */
export class MailSendTimeout extends Error {
  readonly code = 'ESENDTIMEOUT';
  constructor(ms: number) {
    super(`no answer from the SMTP server within ${ms} ms`);
    this.name = 'MailSendTimeout';
  }
}

/**
 * Sends one email over SMTP with nodemailer: to SMTP_HOST, or to the embedded development sink
 * when none is configured (over SMTP as well, so both paths run the same code). Connections are
 * pooled (up to MAIL_SMTP_CONNECTIONS, each reused for up to 100 messages): a connection, its
 * greeting and TLS per email cost more than the email. A connection that breaks fails only the
 * sends on it, which the dispatcher retries.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private transporter?: Transporter;

  constructor(
    private readonly config: NotificationServiceConfig,
    private readonly sink: MailSink,
  ) {}

  async send(email: OutgoingEmail): Promise<AcceptedEmail> {
    const deadline = this.config.MAIL_SEND_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MailSendTimeout(deadline)), deadline);
    });
    try {
      const info = await Promise.race([
        this.connection().sendMail({
          from: this.config.MAIL_FROM,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: messageIdOf(email.notificationId),
          headers: { 'X-Cowork-Notification-Id': email.notificationId },
        }),
        timeout,
      ]);
      return {
        messageId: String(info.messageId ?? messageIdOf(email.notificationId)),
        response: String(info.response),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }

  /** Built on first use: the sink's port is known only once it listens. */
  private connection(): Transporter {
    if (!this.transporter) {
      this.transporter = nodemailer.createTransport(this.options());
      // a pooled connection failing between sends must not be an unheard 'error' event (fatal):
      // the sends on it fail and are retried by the dispatcher
      this.transporter.on('error', (error: Error) => this.logger.warn(`SMTP transport: ${error.message}`));
    }
    return this.transporter;
  }

  private options(): SMTPPool.Options {
    const timeouts = {
      pool: true as const,
      maxConnections: this.config.MAIL_SMTP_CONNECTIONS,
      maxMessages: 100,
      connectionTimeout: this.config.MAIL_SEND_TIMEOUT_MS,
      greetingTimeout: this.config.MAIL_SEND_TIMEOUT_MS,
      socketTimeout: this.config.MAIL_SEND_TIMEOUT_MS,
    };
    if (this.config.usesMailSink) {
      return { host: '127.0.0.1', port: this.sink.port, secure: false, ignoreTLS: true, ...timeouts };
    }
    return {
      host: this.config.SMTP_HOST,
      port: this.config.SMTP_PORT,
      secure: this.config.SMTP_SECURE,
      ...(this.config.SMTP_USER ? { auth: { user: this.config.SMTP_USER, pass: this.config.SMTP_PASSWORD } } : {}),
      ...timeouts,
    };
  }
}

/** What went wrong with a send, for last_error and the attempt log (no credentials in it). */
export function describeSendFailure(error: unknown): { error: string; smtpResponse: string | null } {
  const e = error as { code?: unknown; message?: unknown; response?: unknown; responseCode?: unknown };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return { error: `${code}${message}`, smtpResponse: typeof e?.response === 'string' ? e.response : null };
}
