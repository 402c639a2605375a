// the kit's entry point loads Nest (and with it reflect-metadata) first; this spec imports the module alone
import 'reflect-metadata';
import { IsBoolean, IsString, MinLength } from 'class-validator';
import { BaseServiceConfig, ConfigurationError, EnvBoolean, EnvList, loadConfig } from './service-config.js';

/** A service's own config, as services write them: a PORT default and a few variables of its own. */
class ExampleConfig extends BaseServiceConfig {
  override PORT = 3999;

  @EnvBoolean()
  @IsBoolean()
  FEATURE_ENABLED = false;

  @EnvList()
  @IsString({ each: true })
  ALLOWED_CURRENCIES: string[] = ['EUR'];

  @IsString()
  @MinLength(32)
  PAYMENT_API_KEY = 'k'.repeat(32);
}

function configurationError(load: () => unknown): ConfigurationError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected loadConfig to throw a ConfigurationError');
}

describe('loadConfig', () => {
  it('applies the defaults when the environment sets nothing', () => {
    const config = loadConfig(ExampleConfig, {});
    expect(config).toBeInstanceOf(ExampleConfig);
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3999,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      DATABASE_POOL_SIZE: 10,
      CORS_ORIGINS: [],
      BODY_LIMIT_BYTES: 1024 * 1024,
      JWT_ISSUER: 'cowork-auth',
      JWT_AUDIENCE: 'cowork-api',
      DOWNSTREAM_TIMEOUT_MS: 2000,
      CIRCUIT_BREAKER_THRESHOLD: 5,
      FEATURE_ENABLED: false,
      ALLOWED_CURRENCIES: ['EUR'],
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads numbers from the environment as numbers', () => {
    const config = loadConfig(ExampleConfig, { PORT: '8080', DATABASE_POOL_SIZE: '3', DOWNSTREAM_TIMEOUT_MS: '750' });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_POOL_SIZE).toBe(3);
    expect(config.DOWNSTREAM_TIMEOUT_MS).toBe(750);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(ExampleConfig, { PORT: '', DATABASE_URL: '' })).toMatchObject({ PORT: 3999 });
  });

  it('takes explicit defaults below the environment', () => {
    expect(loadConfig(ExampleConfig, {}, { PORT: 4100 }).PORT).toBe(4100);
    expect(loadConfig(ExampleConfig, { PORT: '4200' }, { PORT: 4100 }).PORT).toBe(4200);
  });

  it.each(['abc', '3.5', '70000', '-1'])('refuses a malformed PORT=%s and names the variable', (port) => {
    const error = configurationError(() => loadConfig(ExampleConfig, { PORT: port }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(`PORT="${port}"`);
    expect(error.message).toContain('PORT');
  });

  it('refuses a missing required variable and says it is required', () => {
    // BaseServiceConfig itself has no PORT default: every service must choose one
    const error = configurationError(() => loadConfig(BaseServiceConfig, {}));
    expect(error.problems).toEqual([expect.stringMatching(/^PORT is required/)]);
    expect(error.message).toContain('PORT is required');
  });

  it('reports every wrong variable at once', () => {
    const error = configurationError(() =>
      loadConfig(ExampleConfig, { PORT: 'x', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://db/app', NODE_ENV: 'staging' }),
    );
    const named = error.problems.map((p) => p.split(/[= ]/)[0]).sort();
    expect(named).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'NODE_ENV', 'PORT']);
  });

  it('never repeats a secret-named variable in the error', () => {
    const secret = 'sk_live_tooshort';
    const error = configurationError(() => loadConfig(ExampleConfig, { PAYMENT_API_KEY: secret }));
    expect(error.message).toContain('PAYMENT_API_KEY="***"');
    expect(error.message).not.toContain(secret);
  });

  it('never repeats the password of a malformed DATABASE_URL in the error', () => {
    const error = configurationError(() =>
      loadConfig(ExampleConfig, { DATABASE_URL: 'postgress://app:hunter2-secret@db.internal:5432/app' }),
    );
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.message).toContain('postgress://app:***@db.internal:5432/app'); // the rest still helps
  });

  it('accepts postgres:// and postgresql:// database URLs', () => {
    expect(loadConfig(ExampleConfig, { DATABASE_URL: 'postgres://u@h/db' }).DATABASE_URL).toBe('postgres://u@h/db');
    expect(loadConfig(ExampleConfig, { DATABASE_URL: 'postgresql://u@h/db' }).DATABASE_URL).toBe('postgresql://u@h/db');
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    [' yes ', true],
    ['false', false],
    ['0', false],
    ['No', false],
  ])('reads the boolean %j as %s', (raw, expected) => {
    expect(loadConfig(ExampleConfig, { FEATURE_ENABLED: raw }).FEATURE_ENABLED).toBe(expected);
  });

  it('refuses a boolean that is neither true nor false', () => {
    const error = configurationError(() => loadConfig(ExampleConfig, { FEATURE_ENABLED: 'maybe' }));
    expect(error.problems).toEqual([expect.stringContaining('FEATURE_ENABLED="maybe"')]);
  });

  it('splits a comma-separated list, trimming blanks and dropping empty entries', () => {
    const config = loadConfig(ExampleConfig, {
      CORS_ORIGINS: ' https://a.example , https://b.example,,',
      ALLOWED_CURRENCIES: 'EUR,USD',
    });
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(config.ALLOWED_CURRENCIES).toEqual(['EUR', 'USD']);
  });

  it('carries only the variables its class declares, never the rest of the environment', () => {
    const config = loadConfig(ExampleConfig, { PORT: '1234', HOME: '/root', AWS_SECRET_ACCESS_KEY: 'nope' });
    expect(config).not.toHaveProperty('HOME');
    expect(config).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(Object.keys(config)).toEqual(expect.arrayContaining(['PORT', 'FEATURE_ENABLED', 'AUTH_JWKS_URL']));
    expect(JSON.stringify(config)).not.toContain('nope');
  });
});
