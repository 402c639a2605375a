import type { BookingEventPayload, BookingEventStatus, BookingEventType, EventEnvelope } from '@cowork/booking-events';
import { DatabaseConnection } from '@cowork/service-kit';
import {
  provisionTestDatabase,
  TestApp,
  TestDatabase,
  TestRequest,
  TestResponse,
  TestTokenIssuer,
} from '@cowork/service-kit/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import type { OccupancyDto, RevenueDto, SummaryDto } from '../../src/reports/dto/analytics.dto.js';
import { ReportGenerator } from '../../src/reports/report-generator.js';
import { reportingServiceOptions } from '../../src/service.js';

export interface Actor {
  id: string;
  token: string;
}

export interface WorkspaceFixture {
  id: string;
  name: string;
  timezone: string;
  openingHours: { day: number; open: string; close: string }[] | null;
}

/** A booking as booking-service would describe it in its next event; tests change it step by step. */
export interface BookingFixture {
  id: string;
  userId: string;
  workspace: WorkspaceFixture;
  startTime: string;
  endTime: string;
  attendees: number;
  status: BookingEventStatus;
  priceCents: number;
  currency: string;
  paidCents: number;
  version: number;
  createdAt: string;
}

export type BookingEvent = EventEnvelope<BookingEventPayload>;

const DAY_MS = 86_400_000;
/** The first test window; each window is 4 weeks of its own, far from any other test's data. */
const FIRST_WINDOW = Date.parse('2033-01-03T00:00:00Z'); // a Monday, after the fixed dates some tests use

/**
 * reporting-service built as in production on a fresh database, with a token issuer it trusts.
 * The generator's timer is off (tests run passes themselves) and it reads small pages, so a few
 * thousand rows make many pages and chunks. Suites keep out of each other's way with their own
 * workspaces and their own time windows (window()).
 */
export class ReportingServiceHarness {
  db!: TestDatabase;
  tokens!: TestTokenIssuer;
  app!: TestApp;
  private serviceTokenValue?: string;
  private adminActor?: Actor;
  private sequence = 0;
  private windows = 0;

  constructor(private readonly env: Record<string, string> = {}) {}

  async start(): Promise<this> {
    this.db = await provisionTestDatabase('reporting-service');
    this.tokens = await TestTokenIssuer.create();
    this.app = await TestApp.start(AppModule, reportingServiceOptions, {
      ...this.db.env,
      ...this.tokens.env,
      REPORT_GENERATION_INTERVAL_MS: '0',
      REPORT_BATCH_SIZE: '50',
      ...this.env,
    });
    return this;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.tokens?.close();
    await this.db?.drop();
  }

  get generator(): ReportGenerator {
    return this.app.app.get(ReportGenerator);
  }

  async serviceToken(): Promise<string> {
    this.serviceTokenValue ??= await this.tokens.service('booking-service');
    return this.serviceTokenValue;
  }

  async member(): Promise<Actor> {
    const id = randomUUID();
    return { id, token: await this.tokens.user(id, 'MEMBER') };
  }

  async admin(): Promise<Actor> {
    const id = randomUUID();
    return { id, token: await this.tokens.user(id, 'ADMIN') };
  }

  /** One admin shared by the suites that do not care who asks. */
  async adminToken(): Promise<string> {
    this.adminActor ??= await this.admin();
    return this.adminActor.token;
  }

  /** The start of a 4-week window of time no other test uses. */
  window(): Date {
    return new Date(FIRST_WINDOW + this.windows++ * 28 * DAY_MS);
  }

  workspace(overrides: Partial<WorkspaceFixture> = {}): WorkspaceFixture {
    return {
      id: randomUUID(),
      name: `Room ${randomBytes(3).toString('hex')}`,
      timezone: 'Europe/Berlin',
      openingHours: null,
      ...overrides,
    };
  }

  /** A fresh PENDING booking of 2 h at `start`, 5000 EUR cents, nothing paid. */
  booking(workspace: WorkspaceFixture, start: Date, overrides: Partial<BookingFixture> = {}): BookingFixture {
    return {
      id: randomUUID(),
      userId: randomUUID(),
      workspace,
      startTime: start.toISOString(),
      endTime: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      attendees: 1,
      status: 'PENDING',
      priceCents: 5000,
      currency: 'EUR',
      paidCents: 0,
      version: 1,
      createdAt: start.toISOString(),
      ...overrides,
    };
  }

  /** The envelope booking-service's relay would POST for `booking` as it is now. */
  event(
    type: BookingEventType | string,
    booking: BookingFixture,
    options: { occurredAt?: Date; extra?: Partial<BookingEventPayload>; envelope?: Partial<BookingEvent> } = {},
  ): BookingEvent {
    const { workspace, ...rest } = booking;
    return {
      id: randomUUID(),
      type,
      version: 1,
      occurredAt: (options.occurredAt ?? new Date(booking.createdAt)).toISOString(),
      source: 'booking-service',
      aggregateId: booking.id,
      sequence: ++this.sequence,
      payload: {
        booking: { ...rest, workspaceId: workspace.id },
        user: { id: booking.userId, email: `${booking.userId.slice(0, 8)}@example.com`, fullName: 'Ada Lovelace' },
        workspace: {
          id: workspace.id,
          name: workspace.name,
          timezone: workspace.timezone,
          openingHours: workspace.openingHours,
        },
        actorId: booking.userId,
        ...options.extra,
      },
      ...options.envelope,
    };
  }

  async deliver(event: unknown, req: TestRequest = {}): Promise<TestResponse> {
    return this.app.post('/internal/events', { token: await this.serviceToken(), body: event, ...req });
  }

  /** POST /internal/events/batch with `{events}` and a service token. */
  async deliverBatch(events: unknown[], req: TestRequest = {}): Promise<TestResponse> {
    return this.app.post('/internal/events/batch', { token: await this.serviceToken(), body: { events }, ...req });
  }

  /**
   * The booking changes (`changes`), then its event is delivered and must be applied.
   * Returns the event, for redelivery.
   */
  async happen(
    type: BookingEventType,
    booking: BookingFixture,
    changes: Partial<BookingFixture> = {},
    options: { occurredAt?: Date; extra?: Partial<BookingEventPayload> } = {},
  ): Promise<BookingEvent> {
    Object.assign(booking, changes, { version: booking.version + 1 });
    const event = this.event(type, booking, options);
    const res = await this.deliver(event);
    if (res.status !== 200 || res.body.outcome !== 'applied') {
      throw new Error(`${type} answered ${res.status}: ${res.text}`);
    }
    return event;
  }

  /** GET a live report as an admin (expects 200). */
  async report<T>(path: string, query: Record<string, string>): Promise<T> {
    const res = await this.app.get<T>(path, { token: await this.adminToken(), query });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.text}`);
    return res.body;
  }

  summary(query: Record<string, string>): Promise<SummaryDto> {
    return this.report('/reports/summary', query);
  }

  occupancy(query: Record<string, string>): Promise<OccupancyDto> {
    return this.report('/reports/occupancy', query);
  }

  revenue(query: Record<string, string>): Promise<RevenueDto> {
    return this.report('/reports/revenue', query);
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

export const hours = (base: Date, h: number) => new Date(base.getTime() + h * 3_600_000);
export const days = (base: Date, d: number) => new Date(base.getTime() + d * DAY_MS);
export const iso = (d: Date) => d.toISOString();

export function uniqueKey(): string {
  return `key-${randomBytes(8).toString('hex')}`;
}

export { expectProblem } from '@cowork/service-kit/testing';

/** The violated fields of a 400 VALIDATION_FAILED. */
export function violatedFields(res: TestResponse): string[] {
  return ((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}
