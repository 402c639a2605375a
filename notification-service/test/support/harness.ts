import { DatabaseConnection } from '@cowork/service-kit';
import {
  provisionTestDatabase,
  TestApp,
  TestDatabase,
  TestResponse,
  TestTokenIssuer,
} from '@cowork/service-kit/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import { DispatchPass, MailDispatcher } from '../../src/mail/mail-dispatcher.js';
import { notificationServiceOptions } from '../../src/service.js';
import { bookingEvent, Recipient, recipient, TestEvent } from './events.js';

/** A notification as the API returns it. */
export interface Notification {
  id: string;
  userId: string;
  bookingId: string;
  eventId: string;
  type: string;
  channel: 'IN_APP' | 'EMAIL';
  status: 'DELIVERED' | 'PENDING' | 'SENT' | 'FAILED';
  title: string;
  body: string;
  read: boolean;
  readAt: string | null;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
}

export interface Actor {
  id: string;
  token: string;
}

/** A member who is also the user of booking events (their notifications are theirs). */
export interface Member extends Actor {
  user: Recipient;
}

/**
 * notification-service built as in production on a fresh database, with a token issuer it
 * trusts, the background dispatcher off (tests run passes with dispatchDue) and mail going where
 * `env` says. Created empty so suites can be declared with it.
 */
export class NotificationServiceHarness {
  db!: TestDatabase;
  tokens!: TestTokenIssuer;
  app!: TestApp;
  /** DATA_DIR of the service (the mail sink keeps its messages under it) */
  dataDir!: string;
  private serviceTokens = new Map<string, string>();

  constructor(private readonly env: () => Record<string, string> = () => ({})) {}

  async start(): Promise<this> {
    this.db = await provisionTestDatabase('notification-service');
    this.tokens = await TestTokenIssuer.create();
    this.dataDir = this.db.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'notification-service-data-'));
    this.app = await TestApp.start(AppModule, notificationServiceOptions, {
      DATA_DIR: this.dataDir,
      ...this.db.env,
      ...this.tokens.env,
      MAIL_DISPATCH_INTERVAL_MS: '0',
      MAIL_SINK_PORT: '0',
      ...this.env(),
    });
    return this;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.tokens?.close();
    await this.db?.drop();
    if (this.dataDir && !this.db?.env.DATA_DIR) rmSync(this.dataDir, { recursive: true, force: true });
  }

  get dispatcher(): MailDispatcher {
    return this.app.app.get(MailDispatcher);
  }

  /** Dispatcher passes until one finds nothing due; what they did, summed. */
  async drainMail(dispatcher: MailDispatcher = this.dispatcher): Promise<DispatchPass> {
    const total: DispatchPass = { claimed: 0, sent: 0, retrying: 0, failed: 0, leaseLost: 0, errors: 0 };
    for (let pass = 0; pass < 100; pass++) {
      const done = await dispatcher.dispatchDue();
      for (const key of Object.keys(total) as (keyof DispatchPass)[]) total[key] += done[key];
      if (done.claimed === 0) return total;
    }
    throw new Error('the dispatcher kept finding due emails');
  }

  async serviceToken(clientId = 'booking-service'): Promise<string> {
    if (!this.serviceTokens.has(clientId)) this.serviceTokens.set(clientId, await this.tokens.service(clientId));
    return this.serviceTokens.get(clientId)!;
  }

  async member(): Promise<Member> {
    const user = recipient();
    return { id: user.id, user, token: await this.tokens.user(user.id, 'MEMBER') };
  }

  async admin(): Promise<Actor> {
    const id = randomUUID();
    return { id, token: await this.tokens.user(id, 'ADMIN') };
  }

  async deliver(event: unknown, token?: string): Promise<TestResponse> {
    return this.app.post('/internal/events', { token: token ?? (await this.serviceToken()), body: event });
  }

  /** POST /internal/events/batch with `{events}` (a service token unless `token` says otherwise). */
  async deliverBatch(events: unknown[], token?: string): Promise<TestResponse> {
    return this.app.post('/internal/events/batch', {
      token: token ?? (await this.serviceToken()),
      body: { events },
    });
  }

  /** Delivers an event about `member` (expects 200 applied) and returns it. */
  async notify(member: Member, type = 'booking.confirmed', options: Parameters<typeof bookingEvent>[1] = {}) {
    const event = bookingEvent(type, { user: member.user, ...options });
    const res = await this.deliver(event);
    if (res.status !== 200 || res.body.outcome !== 'applied')
      throw new Error(`delivery answered ${res.status}: ${res.text}`);
    return event;
  }

  async list(
    actor: Actor,
    query: Record<string, string> = {},
  ): Promise<TestResponse<{ items: Notification[]; nextCursor: string | null }>> {
    return this.app.get('/notifications', { token: actor.token, query });
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
    const rows = await this.sql<{ n: string | number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
      params,
    );
    return Number(rows[0]!.n);
  }

  /** The event's notifications as stored, by channel. */
  async rowsOf(event: TestEvent | string) {
    const id = typeof event === 'string' ? event : event.id;
    return this.sql<{
      id: string;
      channel: string;
      status: string;
      type: string;
      user_id: string;
      booking_id: string;
      title: string;
      body: string;
      html: string | null;
      recipient: string | null;
      attempts: number;
      next_attempt_at: Date | null;
      sent_at: Date | null;
      last_error: string | null;
    }>('SELECT * FROM notifications WHERE event_id = $1 ORDER BY channel', [id]);
  }

  async emailOf(event: TestEvent) {
    return (await this.rowsOf(event)).find((r) => r.channel === 'EMAIL');
  }

  /** Moves an email's next attempt to now, as if its backoff had passed. */
  async makeDue(notificationId: string): Promise<void> {
    await this.sql(`UPDATE notifications SET next_attempt_at = now() WHERE id = $1 AND status = 'PENDING'`, [
      notificationId,
    ]);
  }
}

export { expectProblem } from '@cowork/service-kit/testing';

/** The violated fields of a 400 VALIDATION_FAILED. */
export function violatedFields(res: TestResponse): string[] {
  return ((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}
