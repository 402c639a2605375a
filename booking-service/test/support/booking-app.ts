import {
  TestApp,
  TestDatabase,
  TestResponse,
  TestTokenIssuer,
  provisionTestDatabase,
} from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { bookingServiceOptions } from '../../src/service.js';
import { Downstreams, StubUser, StubWorkspace } from './downstreams.js';

/** booking-service on a fresh database, with stub downstreams and a token issuer. */
export class BookingHarness {
  private constructor(
    readonly app: TestApp,
    readonly downstreams: Downstreams,
    readonly tokens: TestTokenIssuer,
    private readonly db: TestDatabase,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<BookingHarness> {
    const db = await provisionTestDatabase('booking-service');
    const tokens = await TestTokenIssuer.create();
    const downstreams = await Downstreams.start();
    const app = await TestApp.start(AppModule, bookingServiceOptions, {
      ...db.env,
      ...tokens.env,
      ...downstreams.env,
      SERVICE_CLIENT_ID: 'booking-service',
      SERVICE_CLIENT_SECRET: 'unused-in-tests',
      DATABASE_POOL_SIZE: '20',
      SWEEP_INTERVAL_MS: '0',
      // no relay loop and no subscribers unless a test asks for them (relay tests drive it by hand)
      RELAY_INTERVAL_MS: '0',
      SETTINGS_REFRESH_MS: '0',
      // tests change the stub users and workspaces and expect the next request to see it
      // (test/downstream-cache.int.spec.ts covers the caches)
      USER_CACHE_MS: '0',
      WORKSPACE_CACHE_MS: '0',
      EVENT_SUBSCRIBERS: '',
      ...env,
    });
    return new BookingHarness(app, downstreams, tokens, db);
  }

  /** A member (known to the stub user-service) and their token. */
  async member(overrides: Partial<StubUser> = {}): Promise<{ user: StubUser; token: string }> {
    const user = this.downstreams.user(overrides);
    return { user, token: await this.tokens.user(user.id, user.role) };
  }

  async admin(): Promise<{ user: StubUser; token: string }> {
    return this.member({ role: 'ADMIN' });
  }

  workspace(overrides: Partial<StubWorkspace> = {}): StubWorkspace {
    return this.downstreams.workspace(overrides);
  }

  book(token: string, body: Record<string, unknown>, key: string = randomUUID()) {
    return this.app.post('/bookings', { token, body, headers: { 'idempotency-key': key } });
  }

  /** Books and insists on 201; returns the booking. */
  async booked(token: string, body: Record<string, unknown>, key?: string): Promise<Booking> {
    const res = await this.book(token, body, key);
    if (res.status !== 201) throw new Error(`booking answered ${res.status}: ${res.text}`);
    return res.body as Booking;
  }

  /** The service's own Prisma client, for assertions on what was (not) written. */
  get prisma(): PrismaClient {
    return this.app.app.get(PrismaClient);
  }

  /** A service token (as another platform service would present). */
  serviceToken(clientId = 'payment-service'): Promise<string> {
    return this.tokens.service(clientId);
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.downstreams?.close();
    await this.tokens?.close();
    await this.db?.drop();
  }
}

/** A booking as the API returns it. */
export interface Booking {
  id: string;
  userId: string;
  workspaceId: string;
  startTime: string;
  endTime: string;
  attendees: number;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  priceCents: number;
  currency: string;
  version: number;
  confirmedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export { expectProblem } from '@cowork/service-kit/testing';

/** The field names a VALIDATION_FAILED answer lists. */
export function fieldsOf(res: TestResponse): string[] {
  return [...new Set(((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field))].sort();
}

/** [start, start + minutes) from an ISO instant, as the API takes it. */
export function range(startIso: string, minutes: number): { startTime: string; endTime: string } {
  const start = new Date(startIso);
  return { startTime: start.toISOString(), endTime: new Date(start.getTime() + minutes * 60_000).toISOString() };
}

/**
 * The date (YYYY-MM-DD) of the last Sunday of `month` (1-12) in `year`: where the EU changes
 * clocks (at 01:00 UTC). In 2027: 2027-03-28 and 2027-10-31.
 */
export function lastSunday(year: number, month: number): string {
  const last = new Date(Date.UTC(year, month, 0)); // day 0 of the next month
  last.setUTCDate(last.getUTCDate() - last.getUTCDay());
  return last.toISOString().slice(0, 10);
}

/** Next calendar year: its March and October clock changes are always still ahead. */
export const DST_YEAR = new Date().getUTCFullYear() + 1;

/** Every day of the week (ISO 1..7) with the same local opening hours. */
export function everyDay(open: string, close: string): { day: number; open: string; close: string }[] {
  return [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open, close }));
}

/** An hour-aligned slot `hoursAhead` from now (UTC), lasting `hours`. */
export function slot(hoursAhead: number, hours = 1): { startTime: string; endTime: string } {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + hoursAhead * 3_600_000);
  return { startTime: start.toISOString(), endTime: new Date(start.getTime() + hours * 3_600_000).toISOString() };
}
