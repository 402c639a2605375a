import { provisionTestDatabase, TestApp, TestDatabase, TestResponse } from '@cowork/service-kit/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { authServiceOptions } from '../../src/service.js';
import { UserServiceStub } from './user-service-stub.js';

export const SERVICE_CLIENT = { clientId: 'booking-service', clientSecret: 'a-secret-of-16-chars-or-more' };
/** how long the circuit to user-service stays open after an outage in these tests */
export const HALF_OPEN_MS = 200;

export interface Account {
  email: string;
  password: string;
  fullName: string;
}

export interface AuthSession {
  user: { id: string; email: string; fullName: string; role: 'MEMBER' | 'ADMIN' };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** An RFC 9457 problem document as the kit sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; messages: string[] }[];
  dependency?: string;
  retryAfterSeconds?: number;
}

/** The body of an auth endpoint's answer: a session on success, a problem otherwise. */
export type SessionAnswer = AuthSession & Partial<Problem>;

/** A new account's input; every email is unique so tests never collide. */
export function newAccount(overrides: Partial<Account> = {}): Account {
  const tag = randomUUID().slice(0, 8);
  return {
    email: `member-${tag}@example.com`,
    password: `pw-${randomBytes(6).toString('hex')}`,
    fullName: `Member ${tag}`,
    ...overrides,
  };
}

/** A documentation-range IPv4 address per call, for tests that must not share a per-IP counter. */
export function newIp(): string {
  const b = randomBytes(2);
  return `198.51.${b[0]}.${(b[1]! % 250) + 1}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Variables a start must not inherit from an earlier start in the same test file. */
const SCOPED_VARIABLES = ['DATABASE_URL', 'DATA_DIR', 'JWT_PRIVATE_KEY', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'];

/**
 * Starts auth-service with exactly `env` on top of the test defaults. TestApp.start writes
 * into process.env and never removes anything, so the environment is put back afterwards
 * (the config is read during start-up only).
 */
export async function startAuthApp(env: Record<string, string>): Promise<TestApp> {
  const saved = { ...process.env };
  for (const key of SCOPED_VARIABLES) delete process.env[key];
  try {
    return await TestApp.start(AppModule, authServiceOptions, env);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/**
 * One auth-service on a fresh database, with a stub user-service and a temporary DATA_DIR
 * (for the generated signing key; PGlite keeps its files there too).
 */
export class AuthTestContext {
  private constructor(
    public app: TestApp,
    readonly stub: UserServiceStub,
    readonly db: TestDatabase,
    readonly dataDir: string,
    private readonly baseEnv: Record<string, string>,
  ) {}

  static async create(env: Record<string, string> = {}): Promise<AuthTestContext> {
    const db = await provisionTestDatabase('auth-service');
    const stub = await UserServiceStub.start();
    // on PGlite the database's own temporary DATA_DIR holds the key too (and db.drop() removes it)
    const dataDir = db.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'auth-service-test-'));
    const fullEnv = {
      DATA_DIR: dataDir,
      ...db.env,
      USER_SERVICE_URL: stub.url,
      PASSWORD_HASH_COST: '4',
      // the tests speak for many clients through X-Forwarded-For
      TRUST_PROXY: 'true',
      SERVICE_CLIENTS: `${SERVICE_CLIENT.clientId}:${SERVICE_CLIENT.clientSecret}`,
      DOWNSTREAM_TIMEOUT_MS: '300',
      CIRCUIT_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
      ...env,
    };
    try {
      const app = await startAuthApp(fullEnv);
      return new AuthTestContext(app, stub, db, fullEnv.DATA_DIR, fullEnv);
    } catch (error) {
      await stub.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get prisma(): PrismaClient {
    return this.app.app.get(PrismaClient);
  }

  /**
   * Stops the app and starts it again on the same database and DATA_DIR, with the environment
   * it was created with plus `env` (what an earlier restart added is not kept).
   */
  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.app.close();
    this.app = await startAuthApp({ ...this.baseEnv, ...env });
  }

  /** user-service is healthy again, and the circuit to it had time to let a trial call through. */
  async healStub(): Promise<void> {
    this.stub.heal();
    await this.stub.resume();
    await sleep(HALF_OPEN_MS + 50);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.stub.close();
    await this.db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  register(account: Account): Promise<TestResponse<SessionAnswer>> {
    return this.app.post<SessionAnswer>('/auth/register', { body: account });
  }

  /** Registers and expects it to work. */
  async registered(overrides: Partial<Account> = {}): Promise<{ account: Account; session: AuthSession }> {
    const account = newAccount(overrides);
    const res = await this.register(account);
    if (res.status !== 201) throw new Error(`register answered ${res.status}: ${res.text}`);
    return { account, session: res.body };
  }

  login(account: Pick<Account, 'email' | 'password'>, ip = newIp()): Promise<TestResponse<SessionAnswer>> {
    return this.app.post<SessionAnswer>('/auth/login', {
      body: { email: account.email, password: account.password },
      headers: { 'x-forwarded-for': ip },
    });
  }

  refresh(refreshToken: string): Promise<TestResponse<SessionAnswer>> {
    return this.app.post<SessionAnswer>('/auth/refresh', { body: { refreshToken } });
  }

  logout(refreshToken: string): Promise<TestResponse> {
    return this.app.post('/auth/logout', { body: { refreshToken } });
  }

  credentialCount(email: string): Promise<number> {
    return this.prisma.credential.count({ where: { email: email.toLowerCase() } });
  }
}

export { expectProblem } from '@cowork/service-kit/testing';
