import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  validateSync,
  ValidationError,
} from 'class-validator';
import { resolve } from 'node:path';

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

/** "true"/"1"/"yes" and "false"/"0"/"no" as booleans; anything else fails validation. */
export const EnvBoolean = () =>
  Transform(({ value }) => {
    if (typeof value === 'boolean' || value === undefined) return value;
    const v = String(value).trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return value;
  });

/** Comma-separated list. */
export const EnvList = () =>
  Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  );

const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;

/**
 * Environment every service reads. A service's own config class extends this one;
 * loadConfig() validates it once at start-up and names every variable that is wrong.
 */
export class BaseServiceConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** PostgreSQL URL; when absent the service runs on an embedded PGlite database under DATA_DIR. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = resolve(process.cwd(), '.data');

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  DATABASE_POOL_SIZE = 10;

  /** Allowed browser origins, comma-separated; empty means CORS is off; "*" allows any. */
  @EnvList()
  @IsString({ each: true })
  CORS_ORIGINS: string[] = [];

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10000;

  /**
   * Which X-Forwarded-For hops to believe for the client IP (login throttling, logs): "false"
   * (direct clients; the default), "true" (any: only behind a proxy that overwrites the header),
   * a hop count, or comma-separated trusted proxy addresses/CIDRs.
   */
  @IsString()
  @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/, ]+)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count or proxy addresses',
  })
  TRUST_PROXY = 'false';

  /** Where access tokens are verified: auth-service's JWKS. */
  @IsUrl({ require_tld: false, require_protocol: true })
  AUTH_JWKS_URL = 'http://localhost:3000/.well-known/jwks.json';

  @IsString()
  JWT_ISSUER = 'cowork-auth';

  @IsString()
  JWT_AUDIENCE = 'cowork-api';

  /** Base URL of auth-service, for service tokens (client credentials). */
  @IsUrl({ require_tld: false, require_protocol: true })
  AUTH_SERVICE_URL = 'http://localhost:3000';

  /** This service's client id and secret at auth-service, for calls to other services. */
  @IsOptional()
  @IsString()
  SERVICE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  SERVICE_CLIENT_SECRET?: string;

  /** Per-call timeout and circuit breaker for calls to other services. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  DOWNSTREAM_TIMEOUT_MS = 2000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  CIRCUIT_BREAKER_THRESHOLD = 5;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  CIRCUIT_BREAKER_HALF_OPEN_MS = 10000;
}

/** TRUST_PROXY as Fastify's trustProxy option. */
export function trustProxySetting(value: string): boolean | string | ((address: string, hop: number) => boolean) {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value;
}

export type ConfigClass<T extends BaseServiceConfig> = new () => T;

/**
 * Reads `env` into a validated instance of `schema`. Unset variables keep the class's
 * defaults; every problem is reported at once, each naming its variable.
 */
export function loadConfig<T extends BaseServiceConfig>(
  schema: ConfigClass<T>,
  env: NodeJS.ProcessEnv = process.env,
  defaults: Partial<Record<keyof T, unknown>> = {},
): T {
  const input: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = plainToInstance(schema, input, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigurationError(describe(errors, input));
  // keep only what the schema declares, so the config never carries the whole environment
  const config = new schema();
  for (const key of declaredProperties(schema)) {
    (config as Record<string, unknown>)[key] = (parsed as Record<string, unknown>)[key];
  }
  return config;
}

function declaredProperties(schema: new () => object): Set<string> {
  const metas = getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false);
  return new Set([...Object.keys(new schema()), ...metas.map((m) => m.propertyName)]);
}

function describe(errors: ValidationError[], input: Record<string, unknown>): string[] {
  return errors.map((e) => {
    const given = input[e.property];
    const messages = Object.values(e.constraints ?? {}).join('; ');
    return given === undefined
      ? `${e.property} is required (${messages})`
      : `${e.property}=${JSON.stringify(redact(e.property, given))}: ${messages}`;
  });
}

function redact(name: string, value: unknown): unknown {
  if (/SECRET|PASSWORD|PRIVATE|CLIENTS|_KEY$|_TOKEN$/i.test(name)) return '***';
  if (typeof value === 'string' && /_URL$/.test(name)) return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  return value;
}
