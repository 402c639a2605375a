import { DatabaseConnection } from '@cowork/service-kit';
import {
  provisionTestDatabase,
  TestApp,
  TestDatabase,
  TestResponse,
  TestTokenIssuer,
} from '@cowork/service-kit/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import { workspaceServiceOptions } from '../../src/service.js';

export type WorkspaceType = 'DESK' | 'MEETING_ROOM' | 'PRIVATE_OFFICE';

export interface OpeningRange {
  day: number;
  open: string;
  close: string;
}

/** A workspace as the API returns it (the shape booking-service relies on). */
export interface Workspace {
  id: string;
  name: string;
  description: string | null;
  type: WorkspaceType;
  capacity: number;
  hourlyRateCents: number;
  currency: string;
  timezone: string;
  openingHours: OpeningRange[] | null;
  minBookingMinutes: number;
  maxBookingMinutes: number;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WorkspacePage {
  items: Workspace[];
  nextCursor: string | null;
}

/** Exactly the fields of a workspace in every answer, in the contract booking-service reads. */
export const WORKSPACE_FIELDS = [
  'active',
  'capacity',
  'createdAt',
  'currency',
  'description',
  'hourlyRateCents',
  'id',
  'maxBookingMinutes',
  'minBookingMinutes',
  'name',
  'openingHours',
  'timezone',
  'type',
  'updatedAt',
  'version',
];

/** workspace-service built as in production on a fresh database, with a token issuer it trusts. */
export class WorkspaceServiceHarness {
  private constructor(
    readonly db: TestDatabase,
    readonly tokens: TestTokenIssuer,
    readonly app: TestApp,
    /** an ADMIN access token (user-service is the source of roles; here the token says so) */
    readonly adminToken: string,
    readonly memberToken: string,
    /** booking-service's service token */
    readonly serviceToken: string,
  ) {}

  static async start(): Promise<WorkspaceServiceHarness> {
    const db = await provisionTestDatabase('workspace-service');
    const tokens = await TestTokenIssuer.create();
    try {
      const app = await TestApp.start(AppModule, workspaceServiceOptions, { ...db.env, ...tokens.env });
      return new WorkspaceServiceHarness(
        db,
        tokens,
        app,
        await tokens.user(randomUUID(), 'ADMIN'),
        await tokens.user(randomUUID(), 'MEMBER'),
        await tokens.service('booking-service'),
      );
    } catch (error) {
      await tokens.close();
      await db.drop();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.tokens.close();
    await this.db.drop();
  }

  /** POST /workspaces as an admin; a valid body with a unique name unless overridden. */
  createRequest(overrides: Record<string, unknown> = {}, token = this.adminToken): Promise<TestResponse<Workspace>> {
    return this.app.post<Workspace>('/workspaces', { token, body: workspaceInput(overrides) });
  }

  /** Creates a workspace (expects 201) and returns it. */
  async createWorkspace(overrides: Record<string, unknown> = {}): Promise<Workspace> {
    const res = await this.createRequest(overrides);
    if (res.status !== 201) throw new Error(`creating a workspace answered ${res.status}: ${res.text}`);
    return res.body;
  }

  patch(id: string, body: unknown, token = this.adminToken): Promise<TestResponse<Workspace>> {
    return this.app.patch<Workspace>(`/workspaces/${id}`, { token, body });
  }

  deactivate(id: string, token = this.adminToken): Promise<TestResponse<Workspace>> {
    return this.app.post<Workspace>(`/workspaces/${id}/deactivate`, { token });
  }

  activate(id: string, token = this.adminToken): Promise<TestResponse<Workspace>> {
    return this.app.post<Workspace>(`/workspaces/${id}/activate`, { token });
  }

  /** GET /workspaces/:id, anonymously (the catalogue is public). */
  get(id: string): Promise<TestResponse<Workspace>> {
    return this.app.get<Workspace>(`/workspaces/${id}`);
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

/** A valid POST /workspaces body: a Berlin meeting room open on weekdays, with a unique name. */
export function workspaceInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `Room ${uniqueTag()}`,
    type: 'MEETING_ROOM',
    capacity: 6,
    hourlyRateCents: 2500,
    currency: 'EUR',
    timezone: 'Europe/Berlin',
    openingHours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '18:00' })),
    ...overrides,
  };
}

/** Short, random, lowercase: makes names unique per test. */
export function uniqueTag(): string {
  return randomBytes(6).toString('hex');
}

export { expectProblem } from '@cowork/service-kit/testing';

/** The `errors` of a VALIDATION_FAILED answer, whatever the response type says. */
export function errorsOf(res: TestResponse<unknown>): { field: string; messages: string[] }[] {
  return (res.body as { errors: { field: string; messages: string[] }[] }).errors;
}

/** The fields a VALIDATION_FAILED answer names, each once, sorted. */
export function fieldsOf(res: TestResponse<unknown>): string[] {
  return [...new Set(errorsOf(res).map((e) => e.field))].sort();
}
