import { provisionTestDatabase, TestDatabase } from '@cowork/service-kit/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServiceProcess } from './service-process.js';

export type ServiceName =
  | 'auth-service'
  | 'user-service'
  | 'workspace-service'
  | 'booking-service'
  | 'payment-service'
  | 'notification-service'
  | 'reporting-service'
  | 'admin-service';

/** The services whose audit trail admin-service collects, when they are part of the platform. */
const AUDIT_SOURCES: ServiceName[] = ['user-service', 'workspace-service', 'booking-service', 'reporting-service'];

/** The services booking-service's relay delivers events to, when they are part of the platform. */
const EVENT_SUBSCRIBERS: ServiceName[] = ['notification-service', 'reporting-service'];

/** Each service's base-URL variable, as the others read it. */
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

export interface PlatformOptions {
  /** extra environment per service (wins over the defaults) */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** the first admin, created by auth-service at start-up */
  admin?: { email: string; password: string };
  /** more event subscribers for booking-service's relay, name -> base URL (e.g. a recorder) */
  subscribers?: Record<string, string>;
}

/**
 * A set of real service processes wired to each other as dev.sh wires them: each with its own
 * fresh database, service-client secrets, the JWKS of the auth-service process.
 */
export class Platform {
  readonly services = new Map<ServiceName, ServiceProcess>();
  private readonly databases: TestDatabase[] = [];
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'cowork-e2e-'));
  private readonly secrets = new Map<string, string>();
  private readonly envs = new Map<ServiceName, Record<string, string>>();
  private readonly replicas: ServiceProcess[] = [];

  static async start(names: ServiceName[], options: PlatformOptions = {}): Promise<Platform> {
    const platform = new Platform();
    const ports = new Map<ServiceName, number>();
    for (const name of names) {
      ports.set(name, await freePort());
      platform.secrets.set(name, randomBytes(24).toString('base64url'));
    }
    const url = (name: ServiceName) => `http://127.0.0.1:${ports.get(name) ?? 1}`;
    const common: Record<string, string> = {
      AUTH_JWKS_URL: `${url('auth-service')}/.well-known/jwks.json`,
      DATA_DIR: platform.dataDir,
    };
    for (const [name, variable] of Object.entries(URL_VARIABLES)) common[variable] = url(name as ServiceName);
    for (const name of names) {
      const db = await provisionTestDatabase(`e2e_${name}`);
      platform.databases.push(db);
      const env: Record<string, string> = {
        ...common,
        ...db.env,
        // PGlite keeps its files under DATA_DIR/<service>; give each service its own folder
        ...(db.kind === 'pglite' ? { DATA_DIR: db.env.DATA_DIR } : {}),
        SERVICE_CLIENT_ID: name,
        SERVICE_CLIENT_SECRET: platform.secrets.get(name)!,
        ...(name === 'auth-service'
          ? {
              SERVICE_CLIENTS: [...platform.secrets].map(([id, secret]) => `${id}:${secret}`).join(','),
              PASSWORD_HASH_COST: '4',
              // tests poll the first admin's login until the bootstrap has created it: those
              // early failures must not lock the account (5 failures would, for 15 minutes)
              LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
              LOGIN_MAX_FAILURES_PER_IP: '1000',
              ...(options.admin ? { ADMIN_EMAIL: options.admin.email, ADMIN_PASSWORD: options.admin.password } : {}),
            }
          : {}),
        ...(name === 'booking-service'
          ? {
              EVENT_SUBSCRIBERS: [
                ...EVENT_SUBSCRIBERS.filter((s) => names.includes(s)).map((s) => `${s}=${url(s)}`),
                ...Object.entries(options.subscribers ?? {}).map(([s, u]) => `${s}=${u}`),
              ].join(','),
              RELAY_INTERVAL_MS: '100',
            }
          : {}),
        ...(name === 'admin-service'
          ? {
              AUDIT_SOURCES: AUDIT_SOURCES.filter((s) => names.includes(s))
                .map((s) => `${s}=${url(s)}`)
                .join(','),
            }
          : {}),
        ...options.env?.[name],
      };
      platform.envs.set(name, env);
      platform.services.set(name, new ServiceProcess(name, ports.get(name)!, env));
    }
    try {
      await Promise.all([...platform.services.values()].map((s) => s.start()));
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  service(name: ServiceName): ServiceProcess {
    const s = this.services.get(name);
    if (!s) throw new Error(`${name} is not part of this platform`);
    return s;
  }

  url(name: ServiceName): string {
    return this.service(name).url;
  }

  /**
   * Another process of a running service on the same database and configuration (a replica, as
   * behind a load balancer). Only for services on PostgreSQL: an embedded PGlite database belongs
   * to one process.
   */
  /** Whether a service runs on PostgreSQL (it can have replicas) rather than embedded PGlite. */
  onPostgres(name: ServiceName): boolean {
    return !!this.envs.get(name)?.DATABASE_URL;
  }

  async replica(name: ServiceName, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const env = this.envs.get(name);
    if (!env) throw new Error(`${name} is not part of this platform`);
    if (!env.DATABASE_URL) throw new Error(`${name} runs on embedded PGlite: it cannot have replicas`);
    const replica = new ServiceProcess(name, await freePort(), { ...env, ...extraEnv });
    this.replicas.push(replica);
    await replica.start();
    return replica;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.replicas, ...this.services.values()].map((s) => s.stop()));
    for (const db of this.databases) await db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
