import { DatabaseConnection } from '@cowork/service-kit';
import {
  provisionTestDatabase,
  TestApp,
  TestDatabase,
  TestResponse,
  TestTokenIssuer,
} from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import { AuditCollector } from '../../src/audit/audit-collector.js';
import { adminServiceOptions } from '../../src/service.js';
import { Downstreams, StubUser } from './downstreams.js';

export interface Actor {
  id: string;
  token: string;
}

/** Entries per page the collector asks for in tests: small, so a few entries make several pages. */
export const AUDIT_PAGE_SIZE = 3;

/**
 * admin-service built as in production on a fresh database, with a token issuer it trusts and
 * stub downstreams over real HTTP. The collector does not run on its own (tests call collectOnce).
 */
export class AdminServiceHarness {
  db!: TestDatabase;
  tokens!: TestTokenIssuer;
  downstreams!: Downstreams;
  app!: TestApp;

  constructor(private readonly env: Record<string, string> = {}) {}

  async start(): Promise<this> {
    this.db = await provisionTestDatabase('admin-service');
    this.tokens = await TestTokenIssuer.create();
    this.downstreams = await Downstreams.start((clientId) => this.tokens.service(clientId));
    this.app = await TestApp.start(AppModule, adminServiceOptions, {
      ...this.db.env,
      ...this.tokens.env,
      ...this.downstreams.env,
      SERVICE_CLIENT_ID: 'admin-service',
      SERVICE_CLIENT_SECRET: 'unused-in-tests',
      AUDIT_POLL_INTERVAL_MS: '0',
      AUDIT_PAGE_SIZE: String(AUDIT_PAGE_SIZE),
      // fail fast, and never let one test's outage open a circuit for the next test
      DOWNSTREAM_TIMEOUT_MS: '400',
      CIRCUIT_BREAKER_THRESHOLD: '100000',
      ...this.env,
    });
    return this;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.downstreams?.close();
    await this.tokens?.close();
    await this.db?.drop();
  }

  get collector(): AuditCollector {
    return this.app.app.get(AuditCollector);
  }

  /** An admin signed in (their token) and known to the stub user-service. */
  async admin(): Promise<Actor> {
    const user = this.downstreams.directory.add({ role: 'ADMIN', fullName: 'Test Admin' });
    return { id: user.id, token: await this.tokens.user(user.id, 'ADMIN') };
  }

  async member(): Promise<Actor> {
    const user = this.downstreams.directory.add();
    return { id: user.id, token: await this.tokens.user(user.id, 'MEMBER') };
  }

  /** A user in the stub user-service (a member unless told otherwise). */
  user(overrides: Partial<StubUser> = {}): StubUser {
    return this.downstreams.directory.add(overrides);
  }

  serviceToken(clientId = 'booking-service'): Promise<string> {
    return this.tokens.service(clientId);
  }

  async sql<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]> {
    const session = await this.app.app.get(DatabaseConnection).session();
    try {
      return await session.query<R>(text, params);
    } finally {
      await session.release();
    }
  }

  async count(table: string, where = 'true', params?: unknown[]): Promise<number> {
    const rows = await this.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
    return Number(rows[0]!.n);
  }
}

export { expectProblem } from '@cowork/service-kit/testing';

/** The fields a 400 VALIDATION_FAILED names. */
export function violatedFields(res: TestResponse): string[] {
  return [...new Set(((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field))].sort();
}

export const uuid = () => randomUUID();
