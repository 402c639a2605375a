import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { BENCH_ROOT, freePort, LOG_DIR, REPO_ROOT, ServerProcess } from './process.js';

export type ServiceName =
  | 'auth-service'
  | 'user-service'
  | 'workspace-service'
  | 'booking-service'
  | 'payment-service'
  | 'notification-service'
  | 'reporting-service'
  | 'admin-service';

export const ALL_SERVICES: ServiceName[] = [
  'auth-service',
  'user-service',
  'workspace-service',
  'booking-service',
  'payment-service',
  'notification-service',
  'reporting-service',
  'admin-service',
];

const URL_VARIABLES: Record<ServiceName, string> = {
  'auth-service': 'AUTH_SERVICE_URL',
  'user-service': 'USER_SERVICE_URL',
  'workspace-service': 'WORKSPACE_SERVICE_URL',
  'booking-service': 'BOOKING_SERVICE_URL',
  'payment-service': 'PAYMENT_SERVICE_URL',
  'notification-service': 'NOTIFICATION_SERVICE_URL',
  'reporting-service': 'REPORTING_SERVICE_URL',
  'admin-service': 'ADMIN_SERVICE_URL',
};

/** bench_<service without "-service">: bench_booking, bench_auth, ... */
export const databaseName = (service: ServiceName) => `bench_${service.replace(/-service$/, '')}`;

export interface PlatformSettings {
  /** a URL of the server with a database to connect to for CREATE/DROP DATABASE */
  serverUrl: string;
  admin: { email: string; password: string };
  smtpPort: number;
  providerLatencyMs: number;
  /** services started with a V8 inspector (for CPU profiles) */
  inspect: ServiceName[];
  /** extra environment per service (wins over the defaults) */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
}

/** The URL of one database on the bench server. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * All eight services as real processes, wired as dev.sh wires them, each on a fresh database
 * bench_<service> on the bench server, with production settings (NODE_ENV=production,
 * LOG_LEVEL=warn, a real JWT signing key, bcrypt cost 12, SMTP to a sink), plus the bare
 * Nest app (no database) used as the framework ceiling.
 */
export class BenchPlatform {
  readonly services = new Map<ServiceName, ServerProcess>();
  bare?: ServerProcess;
  private readonly createdDatabases: string[] = [];
  private stopped = false;

  constructor(private readonly settings: PlatformSettings) {}

  /** Creates the databases and starts every process; on failure the caller runs stop(). */
  async boot(): Promise<void> {
    const { serverUrl } = this.settings;
    const ports = new Map<ServiceName, number>();
    const secrets = new Map<ServiceName, string>();
    for (const name of ALL_SERVICES) {
      ports.set(name, await freePort());
      secrets.set(name, randomBytes(24).toString('base64url'));
    }
    const url = (name: ServiceName) => `http://127.0.0.1:${ports.get(name)}`;
    const common: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      AUTH_JWKS_URL: `${url('auth-service')}/.well-known/jwks.json`,
      DATA_DIR: join(REPO_ROOT, '.run', 'bench-data'),
    };
    for (const [name, variable] of Object.entries(URL_VARIABLES)) common[variable] = url(name as ServiceName);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwtKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    for (const name of ALL_SERVICES) {
      const db = databaseName(name);
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await adminQuery(serverUrl, `CREATE DATABASE "${db}"`);
      this.createdDatabases.push(db);
      const env: Record<string, string> = {
        ...common,
        DATABASE_URL: databaseUrl(serverUrl, db),
        SERVICE_CLIENT_ID: name,
        SERVICE_CLIENT_SECRET: secrets.get(name)!,
        ...(name === 'auth-service'
          ? {
              SERVICE_CLIENTS: [...secrets].map(([id, secret]) => `${id}:${secret}`).join(','),
              JWT_PRIVATE_KEY: jwtKey,
              // the bench's member tokens must outlive a full run (the maximum the service allows)
              ACCESS_TOKEN_TTL_SECONDS: '3600',
              ADMIN_EMAIL: this.settings.admin.email,
              ADMIN_PASSWORD: this.settings.admin.password,
            }
          : {}),
        ...(name === 'booking-service'
          ? {
              EVENT_SUBSCRIBERS: `notification-service=${url('notification-service')},reporting-service=${url('reporting-service')}`,
            }
          : {}),
        ...(name === 'payment-service'
          ? { SIMULATED_PROVIDER_LATENCY_MS: String(this.settings.providerLatencyMs) }
          : {}),
        ...(name === 'notification-service'
          ? { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(this.settings.smtpPort), SMTP_SECURE: 'false' }
          : {}),
        ...(name === 'admin-service'
          ? {
              AUDIT_SOURCES: ['user-service', 'workspace-service', 'booking-service', 'reporting-service']
                .map((s) => `${s}=${url(s as ServiceName)}`)
                .join(','),
            }
          : {}),
        ...this.settings.env?.[name],
      };
      this.services.set(
        name,
        new ServerProcess(name, ports.get(name)!, {
          cwd: join(REPO_ROOT, name),
          env,
          logFile: join(LOG_DIR, `${name}.log`),
          inspectPort: this.settings.inspect.includes(name) ? await freePort() : undefined,
          stopTimeoutMs: 15_000,
        }),
      );
    }
    this.bare = new ServerProcess('bare-nest', await freePort(), {
      cwd: BENCH_ROOT,
      script: 'dist/bare-nest/main.js',
      env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', DATA_DIR: common.DATA_DIR },
      logFile: join(LOG_DIR, 'bare-nest.log'),
      stopTimeoutMs: 15_000,
    });
    // user-service first: auth-service creates the first admin's profile there at start-up
    await this.services.get('user-service')!.start(120_000);
    await Promise.all(
      [...this.services.values()].filter((s) => s.name !== 'user-service').map((s) => s.start(120_000)),
    );
    await this.bare.start(120_000);
  }

  /** pid -> name of every running process of the platform (for CPU accounting). */
  pids(): Map<number, string> {
    const out = new Map<number, string>();
    for (const p of [...this.services.values(), ...(this.bare ? [this.bare] : [])]) {
      if (p.running && p.pid) out.set(p.pid, p.name);
    }
    return out;
  }

  service(name: ServiceName): ServerProcess {
    return this.services.get(name)!;
  }

  url(name: ServiceName): string {
    return this.service(name).url;
  }

  dbUrl(name: ServiceName): string {
    return databaseUrl(this.settings.serverUrl, databaseName(name));
  }

  /** Every process stopped, every database dropped. Safe to call more than once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.services.values(), ...(this.bare ? [this.bare] : [])].map((s) => s.stop()));
    for (const db of this.createdDatabases) {
      await adminQuery(this.settings.serverUrl, `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`).catch((error) =>
        console.error(`could not drop ${db}: ${(error as Error).message}`),
      );
    }
  }
}
