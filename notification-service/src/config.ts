import { BaseServiceConfig, EnvBoolean } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';

/** "Name <address>" or a bare address, as a From header takes it. */
const MAIL_FROM_FORMAT = /^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

export class NotificationServiceConfig extends BaseServiceConfig {
  override PORT = 3005;

  /**
   * The SMTP server emails go to. Empty: the embedded development mail sink is started and used
   * instead (refused when NODE_ENV=production).
   */
  @ValidateBy({
    name: 'smtpHostInProduction',
    validator: {
      validate: (value, args) =>
        value === undefined
          ? (args?.object as NotificationServiceConfig).NODE_ENV !== 'production'
          : typeof value === 'string' && value.length <= 255,
      defaultMessage: () =>
        'SMTP_HOST must name the SMTP server when NODE_ENV=production (the embedded mail sink is for development only)',
    },
  })
  SMTP_HOST?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  SMTP_PORT = 587;

  /** true: TLS from the first byte (usually port 465); false: plain, upgraded with STARTTLS when offered. */
  @EnvBoolean()
  @IsBoolean({ message: 'SMTP_SECURE must be true or false' })
  SMTP_SECURE = false;

  @IsOptional()
  @IsString()
  SMTP_USER?: string;

  @IsOptional()
  @IsString()
  @ValidateBy({
    name: 'passwordNeedsUser',
    validator: {
      validate: (_value, args) => !!(args?.object as NotificationServiceConfig).SMTP_USER,
      defaultMessage: () => 'SMTP_PASSWORD needs SMTP_USER',
    },
  })
  SMTP_PASSWORD?: string;

  @IsString()
  @MaxLength(320)
  @Matches(MAIL_FROM_FORMAT, { message: 'MAIL_FROM must be an address or "Name <address>"' })
  MAIL_FROM = 'Cowork <no-reply@cowork.local>';

  /** How often the dispatcher looks for due emails; 0 turns it off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  MAIL_DISPATCH_INTERVAL_MS = 500;

  /** How many due emails one dispatcher pass claims and sends (concurrently). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  MAIL_DISPATCH_BATCH_SIZE = 10;

  /** SMTP connections kept open to the server (pooled, each reused for up to 100 emails). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  MAIL_SMTP_CONNECTIONS = 5;

  /** Attempts per email before it is marked FAILED. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  MAIL_MAX_ATTEMPTS = 8;

  /** First retry delay; doubles with each attempt (with jitter) up to MAIL_RETRY_MAX_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  MAIL_RETRY_BASE_MS = 2000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  MAIL_RETRY_MAX_MS = 300_000;

  /**
   * Deadline of one send (connect, greeting, the whole SMTP exchange). A claimed email is leased
   * for twice this long, so no other dispatcher takes it while its send may still be running.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  MAIL_SEND_TIMEOUT_MS = 15_000;

  /** Development only: the embedded SMTP sink's port on 127.0.0.1 when SMTP_HOST is empty; 0 = any free port. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  MAIL_SINK_PORT = 2525;

  /** The claim lease of one email: see MAIL_SEND_TIMEOUT_MS. */
  get mailLeaseMs(): number {
    return 2 * this.MAIL_SEND_TIMEOUT_MS;
  }

  /** No SMTP server configured: mail goes to the embedded development sink. */
  get usesMailSink(): boolean {
    return !this.SMTP_HOST;
  }
}
