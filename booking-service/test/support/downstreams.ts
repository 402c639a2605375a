import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface StubUser {
  id: string;
  email: string;
  fullName: string;
  role: 'MEMBER' | 'ADMIN';
  status: 'ACTIVE' | 'SUSPENDED';
}

export interface StubWorkspace {
  id: string;
  name: string;
  type: 'DESK' | 'MEETING_ROOM' | 'PRIVATE_OFFICE';
  capacity: number;
  hourlyRateCents: number;
  currency: string;
  timezone: string;
  openingHours: { day: number; open: string; close: string }[] | null;
  minBookingMinutes: number;
  maxBookingMinutes: number;
  active: boolean;
}

export type Mode = 'ok' | 'error' | 'slow';

/** The JSON fields the payment-service stub reads from a request body. */
export interface StubBody {
  bookingId: string;
  amountCents: number;
  paymentMethod: string;
}

export interface StubRequest {
  method: string;
  body: StubBody;
  idempotencyKey?: string;
}

/**
 * payment-service's contract, in memory: charges idempotent on their key (pm_card_visa
 * succeeds, pm_card_declined / pm_card_insufficient_funds answer 402, pm_card_error 503),
 * refunds per booking that never exceed what was captured, and the per-booking totals.
 */
export class PaymentLedger {
  readonly answers = new Map<string, { status: number; body: unknown }>();
  readonly charges: { key: string; bookingId: string; amountCents: number }[] = [];
  readonly refunds: { key: string; bookingId: string; amountCents: number }[] = [];
  /** bookings with a charge payment-service is still processing or recovering */
  readonly inFlight = new Set<string>();

  handle(path: string, request: StubRequest): { status: number; body: unknown } {
    const key = request.idempotencyKey ?? '';
    const stored = this.answers.get(`${path}|${key}`);
    if (request.method === 'POST' && stored) return stored;
    const answer = this.answer(path, request, key);
    if (request.method === 'POST' && answer.status !== 503) this.answers.set(`${path}|${key}`, answer);
    return answer;
  }

  captured(bookingId: string): number {
    return this.charges.filter((c) => c.bookingId === bookingId).reduce((sum, c) => sum + c.amountCents, 0);
  }

  refunded(bookingId: string): number {
    return this.refunds.filter((r) => r.bookingId === bookingId).reduce((sum, r) => sum + r.amountCents, 0);
  }

  private answer(path: string, request: StubRequest, key: string): { status: number; body: unknown } {
    if (request.method === 'POST' && path === '/internal/charges') {
      const { bookingId, amountCents, paymentMethod } = request.body;
      if (paymentMethod === 'pm_card_error')
        return { status: 503, body: { code: 'PROVIDER_UNAVAILABLE', status: 503 } };
      if (paymentMethod === 'pm_card_declined' || paymentMethod === 'pm_card_insufficient_funds') {
        const declineCode = paymentMethod === 'pm_card_declined' ? 'card_declined' : 'insufficient_funds';
        return {
          status: 402,
          body: { code: 'PAYMENT_DECLINED', status: 402, declineCode, detail: 'Your card was declined' },
        };
      }
      this.charges.push({ key, bookingId, amountCents });
      return { status: 201, body: { id: randomUUID(), bookingId, amountCents, status: 'SUCCEEDED' } };
    }
    const refund = /^\/internal\/bookings\/([^/]+)\/refunds$/.exec(path);
    if (request.method === 'POST' && refund) {
      const bookingId = refund[1]!;
      if (request.body.amountCents > this.captured(bookingId) - this.refunded(bookingId)) {
        return { status: 422, body: { code: 'REFUND_EXCEEDS_CAPTURED', status: 422 } };
      }
      this.refunds.push({ key, bookingId, amountCents: request.body.amountCents });
      return { status: 201, body: { refundedCents: request.body.amountCents, refunds: [] } };
    }
    const totals = /^\/internal\/bookings\/([^/]+)\/payments$/.exec(path);
    if (totals) {
      const bookingId = totals[1]!;
      return {
        status: 200,
        body: {
          capturedCents: this.captured(bookingId),
          refundedCents: this.refunded(bookingId),
          chargesInFlight: this.inFlight.has(bookingId) ? 1 : 0,
          payments: [],
        },
      };
    }
    return { status: 404, body: { code: 'NOT_FOUND', status: 404 } };
  }
}

/**
 * Stand-ins for user-service and workspace-service over real HTTP, each with a mode:
 * answering, failing with 500, or answering only after `delayMs`. Counts requests.
 */
export class StubService {
  mode: Mode = 'ok';
  delayMs = 0;
  requests = 0;
  private server?: Server;
  url = '';

  constructor(private readonly route: (path: string, request: StubRequest) => { status: number; body: unknown }) {}

  /** Listens on a free port, or (after close()) again on the port it had, so its URL stays valid. */
  async start(): Promise<this> {
    const port = this.url ? Number(new URL(this.url).port) : 0;
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Back to answering at once. */
  reset(): void {
    this.mode = 'ok';
    this.delayMs = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    if (this.mode === 'slow') await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.mode === 'error') {
      res.writeHead(500, { 'content-type': 'application/problem+json' }).end('{"code":"INTERNAL_ERROR"}');
      return;
    }
    let raw = '';
    try {
      for await (const chunk of req) raw += chunk;
    } catch {
      return; // the caller gave up (timed out) while we were slow: nobody to answer
    }
    const { status, body } = this.route(req.url ?? '/', {
      method: req.method ?? 'GET',
      body: (raw ? JSON.parse(raw) : {}) as StubBody,
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
    });
    if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

export class Downstreams {
  readonly users = new Map<string, StubUser>();
  readonly workspaces = new Map<string, StubWorkspace>();
  readonly userService = new StubService((path) => lookup(this.users, path, /^\/users\/([^/?]+)/, 'USER_NOT_FOUND'));
  readonly workspaceService = new StubService((path) =>
    lookup(this.workspaces, path, /^\/workspaces\/([^/?]+)/, 'WORKSPACE_NOT_FOUND'),
  );
  readonly ledger = new PaymentLedger();
  readonly paymentService = new StubService((path, request) => this.ledger.handle(path, request));

  static async start(): Promise<Downstreams> {
    const d = new Downstreams();
    await d.userService.start();
    await d.workspaceService.start();
    await d.paymentService.start();
    return d;
  }

  get env(): Record<string, string> {
    return {
      USER_SERVICE_URL: this.userService.url,
      WORKSPACE_SERVICE_URL: this.workspaceService.url,
      PAYMENT_SERVICE_URL: this.paymentService.url,
    };
  }

  user(overrides: Partial<StubUser> = {}): StubUser {
    const id = overrides.id ?? randomUUID();
    const user: StubUser = {
      id,
      email: `${id}@example.com`,
      fullName: 'Test Member',
      role: 'MEMBER',
      status: 'ACTIVE',
      ...overrides,
    };
    this.users.set(id, user);
    return user;
  }

  /** Open at all times unless told otherwise, 10.00 EUR an hour, 30 min to 8 h, 4 seats. */
  workspace(overrides: Partial<StubWorkspace> = {}): StubWorkspace {
    const id = overrides.id ?? randomUUID();
    const ws: StubWorkspace = {
      id,
      name: 'Room',
      type: 'MEETING_ROOM',
      capacity: 4,
      hourlyRateCents: 1000,
      currency: 'EUR',
      timezone: 'Europe/Berlin',
      openingHours: null,
      minBookingMinutes: 30,
      maxBookingMinutes: 480,
      active: true,
      ...overrides,
    };
    this.workspaces.set(id, ws);
    return ws;
  }

  async close(): Promise<void> {
    await this.userService.close();
    await this.workspaceService.close();
    await this.paymentService.close();
  }
}

function lookup<T>(map: Map<string, T>, path: string, pattern: RegExp, code: string) {
  const id = pattern.exec(path)?.[1];
  const found = id ? map.get(id) : undefined;
  return found ? { status: 200, body: found } : { status: 404, body: { code, detail: 'not found', status: 404 } };
}
