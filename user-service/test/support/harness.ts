import { DatabaseConnection } from '@cowork/service-kit';
import { provisionTestDatabase, TestApp, TestDatabase, TestTokenIssuer } from '@cowork/service-kit/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import { userServiceOptions } from '../../src/service.js';

export type Role = 'MEMBER' | 'ADMIN';

/** A profile as the API returns it. */
export interface Profile {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  status: 'ACTIVE' | 'SUSPENDED';
  createdAt: string;
  updatedAt: string;
}

/** A profile plus an access token for it (its role claim as given). */
export interface Actor extends Profile {
  token: string;
}

/**
 * user-service built as in production on a fresh database, with a token issuer it trusts.
 * Created empty so suites can be declared with it; `start()` (in a beforeAll) brings it up.
 */
export class UserServiceHarness {
  db!: TestDatabase;
  tokens!: TestTokenIssuer;
  app!: TestApp;
  private serviceTokenValue?: string;

  async start(): Promise<this> {
    this.db = await provisionTestDatabase('user-service');
    this.tokens = await TestTokenIssuer.create();
    this.app = await TestApp.start(AppModule, userServiceOptions, { ...this.db.env, ...this.tokens.env });
    return this;
  }

  /** Closes whatever start() got to: the app, the token issuer's JWKS server, the database. */
  async close(): Promise<void> {
    await this.app?.close();
    await this.tokens?.close();
    await this.db?.drop();
  }

  /** auth-service's service token. */
  async serviceToken(): Promise<string> {
    this.serviceTokenValue ??= await this.tokens.service('auth-service');
    return this.serviceTokenValue;
  }

  /** POST /internal/users as auth-service; unique id, email and name unless overridden. */
  async createProfileRequest(overrides: Partial<{ id: string; email: string; fullName: string; role: Role }> = {}) {
    const tag = uniqueTag();
    return this.app.post<Profile>('/internal/users', {
      token: await this.serviceToken(),
      body: { id: randomUUID(), email: `user-${tag}@example.com`, fullName: `Test User ${tag}`, ...overrides },
    });
  }

  /** Creates a profile (expects 201) and returns it with a token for its user. */
  async createProfile(overrides: Partial<{ id: string; email: string; fullName: string; role: Role }> = {}) {
    const res = await this.createProfileRequest(overrides);
    if (res.status !== 201) throw new Error(`creating a profile answered ${res.status}: ${res.text}`);
    const actor: Actor = { ...res.body, token: await this.tokens.user(res.body.id, res.body.role) };
    return actor;
  }

  member(overrides: Partial<{ email: string; fullName: string }> = {}) {
    return this.createProfile({ ...overrides, role: 'MEMBER' });
  }

  admin(overrides: Partial<{ email: string; fullName: string }> = {}) {
    return this.createProfile({ ...overrides, role: 'ADMIN' });
  }

  /** Raw SQL on the service's own database (to arrange what the API cannot, e.g. equal timestamps). */
  async sql<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]> {
    const session = await this.app.app.get(DatabaseConnection).session();
    try {
      return await session.query<R>(text, params);
    } finally {
      await session.release();
    }
  }
}

/** Short, random, lowercase: makes emails and names unique per test. */
export function uniqueTag(): string {
  return randomBytes(6).toString('hex');
}

export { expectProblem } from '@cowork/service-kit/testing';
