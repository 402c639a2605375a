import { TestApp, TestDatabase, TestTokenIssuer, provisionTestDatabase } from '@cowork/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
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

  async close(): Promise<void> {
    await this.app?.close();
    await this.downstreams?.close();
    await this.tokens?.close();
    await this.db?.drop();
  }
}

/** An hour-aligned slot `hoursAhead` from now (UTC), lasting `hours`. */
export function slot(hoursAhead: number, hours = 1): { startTime: string; endTime: string } {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + hoursAhead * 3_600_000);
  return { startTime: start.toISOString(), endTime: new Date(start.getTime() + hours * 3_600_000).toISOString() };
}
