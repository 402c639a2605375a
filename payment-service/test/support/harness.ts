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
import { SimulatedPaymentProvider } from '../../src/provider/simulated-payment-provider.js';
import { paymentServiceOptions } from '../../src/service.js';

/** A payment as the API returns it. */
export interface Payment {
  id: string;
  bookingId: string;
  userId: string;
  amountCents: number;
  currency: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED' | 'PARTIALLY_REFUNDED';
  refundedCents: number;
  provider: string;
  providerRef: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Actor {
  id: string;
  token: string;
}

export interface ChargeBody {
  bookingId: string;
  userId: string;
  amountCents: number;
  currency: string;
  paymentMethod?: string;
  description?: string;
}

/**
 * payment-service built as in production on a fresh database, with a token issuer it trusts
 * and a fast simulated provider. Created empty so suites can be declared with it.
 */
export class PaymentServiceHarness {
  db!: TestDatabase;
  tokens!: TestTokenIssuer;
  app!: TestApp;
  private serviceTokens = new Map<string, string>();

  constructor(private readonly env: Record<string, string> = {}) {}

  async start(): Promise<this> {
    this.db = await provisionTestDatabase('payment-service');
    this.tokens = await TestTokenIssuer.create();
    this.app = await TestApp.start(AppModule, paymentServiceOptions, {
      ...this.db.env,
      ...this.tokens.env,
      SIMULATED_PROVIDER_LATENCY_MS: '5',
      // recovery passes are run by the tests that want them (ChargeRecovery.recover)
      RECOVERY_INTERVAL_MS: '0',
      ...this.env,
    });
    return this;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.tokens?.close();
    await this.db?.drop();
  }

  /** The simulated provider (test hook: failNextCalls). */
  get provider(): SimulatedPaymentProvider {
    return this.app.app.get(SimulatedPaymentProvider);
  }

  async serviceToken(clientId = 'booking-service'): Promise<string> {
    if (!this.serviceTokens.has(clientId)) this.serviceTokens.set(clientId, await this.tokens.service(clientId));
    return this.serviceTokens.get(clientId)!;
  }

  async member(): Promise<Actor> {
    const id = randomUUID();
    return { id, token: await this.tokens.user(id, 'MEMBER') };
  }

  async admin(): Promise<Actor> {
    const id = randomUUID();
    return { id, token: await this.tokens.user(id, 'ADMIN') };
  }

  chargeBody(overrides: Partial<ChargeBody> = {}): ChargeBody {
    return { bookingId: randomUUID(), userId: randomUUID(), amountCents: 5000, currency: 'EUR', ...overrides };
  }

  async chargeRequest(body: unknown, key: string | null = uniqueKey(), req: TestRequest = {}) {
    return this.app.post('/internal/charges', {
      token: await this.serviceToken(),
      body,
      ...req,
      headers: { ...(key === null ? {} : { 'idempotency-key': key }), ...req.headers },
    });
  }

  /** Charges (expects 201) and returns the payment. */
  async charge(overrides: Partial<ChargeBody> = {}): Promise<Payment> {
    const res = await this.chargeRequest(this.chargeBody(overrides));
    if (res.status !== 201) throw new Error(`charge answered ${res.status}: ${res.text}`);
    return res.body;
  }

  async refundRequest(bookingId: string, body: unknown, key: string | null = uniqueKey(), req: TestRequest = {}) {
    return this.app.post(`/internal/bookings/${bookingId}/refunds`, {
      token: await this.serviceToken(),
      body,
      ...req,
      headers: { ...(key === null ? {} : { 'idempotency-key': key }), ...req.headers },
    });
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
}

export function uniqueKey(): string {
  return `key-${randomBytes(8).toString('hex')}`;
}

export { expectProblem } from '@cowork/service-kit/testing';

/** The violated fields of a 400 VALIDATION_FAILED. */
export function violatedFields(res: TestResponse): string[] {
  return ((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}
