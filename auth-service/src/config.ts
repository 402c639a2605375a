import { BaseServiceConfig, EnvList } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export class AuthServiceConfig extends BaseServiceConfig {
  override PORT = 3000;

  /** ES256 private key (PKCS#8 PEM). Unset: generated once into DATA_DIR (development only; refused in production). */
  @IsOptional()
  @Matches(/-----BEGIN PRIVATE KEY-----/, { message: 'JWT_PRIVATE_KEY must be a PKCS#8 PEM private key' })
  JWT_PRIVATE_KEY?: string;

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(3600)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS = 30;

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(3600)
  SERVICE_TOKEN_TTL_SECONDS = 300;

  /** bcrypt cost; at least 12 outside NODE_ENV=test (checked at start-up). */
  @Type(() => Number)
  @IsInt()
  @Min(4)
  @Max(15)
  PASSWORD_HASH_COST = 12;

  @IsUrl({ require_tld: false, require_protocol: true })
  USER_SERVICE_URL = 'http://localhost:3001';

  /** The first admin, created once if no account has this email. */
  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  ADMIN_PASSWORD?: string;

  @IsString()
  ADMIN_FULL_NAME = 'Platform Admin';

  /** Internal callers, as `clientId:secret` pairs, comma-separated. */
  @EnvList()
  @Matches(/^[\w.-]+:.{16,}$/, {
    each: true,
    message: 'SERVICE_CLIENTS entries must be clientId:secret with a secret of 16+ characters',
  })
  SERVICE_CLIENTS: string[] = [];

  /** Failed logins allowed per account, and per client IP, in one window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_IP = 50;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_WINDOW_SECONDS = 900;

  /**
   * How often stale rows are deleted: login throttles whose window ended, and the refresh tokens
   * of logins expired for longer than REFRESH_TOKEN_RETENTION_DAYS. 0 turns the purge off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(24 * 3_600_000)
  PURGE_INTERVAL_MS = 600_000;

  /**
   * A login's refresh tokens are deleted this many days after its last token expired. Until then
   * every token of the login is kept, spent and revoked ones included: presenting one is still
   * answered as expired, revoked, or reuse (which revokes the login).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  REFRESH_TOKEN_RETENTION_DAYS = 7;
}
