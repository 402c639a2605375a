import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a stub received. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  requestId: string | undefined;
  body: Record<string, unknown>;
}

export interface StubReply {
  status: number;
  body?: unknown;
}

type Route = (req: SeenRequest) => StubReply | Promise<StubReply>;

/**
 * A downstream service over real HTTP: answers with its route, records every request, and can be
 * told to fail (500 on every path, or on some paths), to answer slowly, or be stopped (connection
 * refused) and started again on the same port.
 */
export class StubServer {
  mode: 'ok' | 'error' | 'slow' = 'ok';
  delayMs = 0;
  /** paths (without query) that answer 500 while in 'ok' mode */
  readonly failingPaths = new Set<string>();
  readonly requests: SeenRequest[] = [];
  /** runs before each answer (to make something happen while a caller waits) */
  beforeReply?: (req: SeenRequest) => Promise<void>;
  url = '';
  private server?: Server;

  constructor(private readonly route: Route) {}

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

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Back to answering at once on every path. */
  reset(): void {
    this.mode = 'ok';
    this.delayMs = 0;
    this.failingPaths.clear();
    this.beforeReply = undefined;
  }

  /** Requests to `path` (without query), oldest first. */
  seen(path: string | RegExp): SeenRequest[] {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    try {
      for await (const chunk of req) raw += chunk;
    } catch {
      return; // the caller gave up
    }
    const url = new URL(req.url ?? '/', 'http://stub');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      requestId: req.headers['x-request-id'] as string | undefined,
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
    };
    this.requests.push(seen);
    if (this.mode === 'slow') await new Promise((r) => setTimeout(r, this.delayMs));
    await this.beforeReply?.(seen);
    if (this.mode === 'error' || this.failingPaths.has(seen.path)) {
      reply(res, 500, { code: 'INTERNAL_ERROR', status: 500 });
      return;
    }
    const { status, body } = await this.route(seen);
    reply(res, status, body ?? {});
  }

  /** Stops listening (callers get connection refused); start() again reuses the port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

function problem(status: number, code: string, detail: string): StubReply {
  return { status, body: { type: `urn:cowork:problem:${code.toLowerCase()}`, status, code, detail } };
}

/** The claims of a bearer token (unverified: the stubs only tell users from services, as the real ones do). */
function claimsOf(authorization: string | undefined): { sub?: string; role?: string; token_use?: string } {
  const token = authorization?.replace(/^Bearer /, '') ?? '';
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

const isAdminToken = (req: SeenRequest) => {
  const claims = claimsOf(req.authorization);
  return claims.token_use === 'access' && claims.role === 'ADMIN';
};
const isServiceToken = (req: SeenRequest) => claimsOf(req.authorization).token_use === 'service';

export interface StubUser {
  id: string;
  email: string;
  fullName: string;
  role: 'MEMBER' | 'ADMIN';
  status: 'ACTIVE' | 'SUSPENDED';
  createdAt: string;
  updatedAt: string;
}

/**
 * user-service's contract in memory: the admin list (search, role, status, keyset-ish pages),
 * one user, role and status changes that keep the last active admin, and the statistics.
 */
export class UserDirectory {
  readonly users = new Map<string, StubUser>();
  private clock = Date.parse('2026-01-01T00:00:00Z');

  add(overrides: Partial<StubUser> = {}): StubUser {
    const id = overrides.id ?? randomUUID();
    const at = new Date((this.clock += 1000)).toISOString();
    const user: StubUser = {
      id,
      email: `${id.slice(0, 8)}@example.com`,
      fullName: 'Test Member',
      role: 'MEMBER',
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      ...overrides,
    };
    this.users.set(id, user);
    return user;
  }

  activeAdmins(): StubUser[] {
    return [...this.users.values()].filter((u) => u.role === 'ADMIN' && u.status === 'ACTIVE');
  }

  route: Route = (req) => {
    if (req.path === '/internal/users/stats') {
      if (!isServiceToken(req)) return problem(403, 'FORBIDDEN', 'service tokens only');
      return { status: 200, body: this.stats() };
    }
    if (!isAdminToken(req)) return problem(403, 'FORBIDDEN', 'This needs the ADMIN role');
    if (req.method === 'GET' && req.path === '/users') return this.list(req.query);
    const match = /^\/users\/([^/]+)(?:\/(role|status))?$/.exec(req.path);
    const user = match ? this.users.get(match[1]!) : undefined;
    if (!match) return problem(404, 'NOT_FOUND', 'no route');
    if (!user) return problem(404, 'USER_NOT_FOUND', `User ${match[1]} was not found`);
    if (req.method === 'GET' && !match[2]) return { status: 200, body: user };
    if (req.method !== 'PATCH' || !match[2]) return problem(404, 'NOT_FOUND', 'no route');
    const change = match[2] === 'role' ? { role: req.body.role } : { status: req.body.status };
    const next = { ...user, ...change } as StubUser;
    const wasActiveAdmin = user.role === 'ADMIN' && user.status === 'ACTIVE';
    const staysActiveAdmin = next.role === 'ADMIN' && next.status === 'ACTIVE';
    if (wasActiveAdmin && !staysActiveAdmin && this.activeAdmins().length === 1) {
      return problem(409, 'LAST_ADMIN', 'The platform must keep at least one active admin');
    }
    if (next.role !== user.role || next.status !== user.status) next.updatedAt = new Date().toISOString();
    this.users.set(user.id, next);
    return { status: 200, body: next };
  };

  private list(query: URLSearchParams): StubReply {
    const search = query.get('search')?.toLowerCase();
    const matching = [...this.users.values()]
      .filter((u) => !search || u.email.toLowerCase().includes(search) || u.fullName.toLowerCase().includes(search))
      .filter((u) => !query.get('role') || u.role === query.get('role'))
      .filter((u) => !query.get('status') || u.status === query.get('status'))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    const limit = Number(query.get('limit') ?? 20);
    const cursor = query.get('cursor');
    let offset = 0;
    if (cursor) {
      offset = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!Number.isInteger(offset) || offset < 0) {
        return {
          status: 400,
          body: {
            ...problem(400, 'VALIDATION_FAILED', 'cursor: cursor is not a valid page cursor').body!,
            errors: [{ field: 'cursor', messages: ['cursor is not a valid page cursor'] }],
          },
        };
      }
    }
    const items = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? Buffer.from(String(offset + limit)).toString('base64url') : null;
    return { status: 200, body: { items, nextCursor: next } };
  }

  stats() {
    const all = [...this.users.values()];
    const count = (f: (u: StubUser) => boolean) => all.filter(f).length;
    return {
      total: all.length,
      byRole: { MEMBER: count((u) => u.role === 'MEMBER'), ADMIN: count((u) => u.role === 'ADMIN') },
      byStatus: { ACTIVE: count((u) => u.status === 'ACTIVE'), SUSPENDED: count((u) => u.status === 'SUSPENDED') },
    };
  }
}

/** auth-service: service tokens (minted by `mint`) and idempotent session revocation. */
export class SessionStore {
  /** open refresh-token sessions per user */
  readonly sessions = new Map<string, number>();

  constructor(private readonly mint: (clientId: string) => Promise<string>) {}

  route: Route = async (req) => {
    if (req.method === 'POST' && req.path === '/auth/service-token') {
      const accessToken = await this.mint(String(req.body.clientId ?? 'unknown'));
      return { status: 200, body: { accessToken, tokenType: 'Bearer', expiresIn: 900 } };
    }
    const revoke = /^\/internal\/users\/([^/]+)\/revoke-sessions$/.exec(req.path);
    if (req.method === 'POST' && revoke) {
      if (!isServiceToken(req)) return problem(403, 'FORBIDDEN', 'service tokens only');
      const revoked = this.sessions.get(revoke[1]!) ?? 0;
      this.sessions.set(revoke[1]!, 0);
      return { status: 200, body: { revoked } };
    }
    return problem(404, 'NOT_FOUND', 'no route');
  };
}

/** booking-service's booking counts per user. */
export class BookingCounts {
  readonly counts = new Map<string, number>();

  route: Route = (req) => {
    if (req.method !== 'GET' || req.path !== '/internal/bookings/counts') return problem(404, 'NOT_FOUND', 'no route');
    if (!isServiceToken(req)) return problem(403, 'FORBIDDEN', 'service tokens only');
    const ids = req.query.getAll('userId');
    if (ids.length === 0 || ids.length > 100) return problem(400, 'VALIDATION_FAILED', 'userId: 1 to 100 ids');
    return { status: 200, body: { counts: Object.fromEntries(ids.map((id) => [id, this.counts.get(id) ?? 0])) } };
  };
}

/** reporting-service's reports, shaped as it answers them (admins only). */
export const reportingRoute: Route = (req) => {
  if (!isAdminToken(req)) return problem(403, 'FORBIDDEN', 'This needs the ADMIN role');
  const period = { from: req.query.get('from'), to: req.query.get('to') };
  if (req.path === '/reports/summary') {
    return { status: 200, body: { ...period, bookings: { confirmed: 7, cancelled: 1 }, revenueCents: 35_000 } };
  }
  if (req.path === '/reports/occupancy') {
    return { status: 200, body: { ...period, workspaces: [{ workspaceId: randomUUID(), occupancy: 0.42 }] } };
  }
  return problem(404, 'NOT_FOUND', 'no route');
};

export interface SourceEntry {
  id: string;
  sequence: number;
  occurredAt: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

/** A service's `GET /internal/audit-entries`: entries after a sequence, ascending, a page at a time. */
export class AuditTrail {
  readonly entries: SourceEntry[] = [];

  /** Appends `count` entries with the next sequences. */
  record(count: number, overrides: Partial<SourceEntry> = {}): SourceEntry[] {
    return Array.from({ length: count }, () => {
      const sequence = (this.entries[this.entries.length - 1]?.sequence ?? 0) + 1;
      const entry: SourceEntry = {
        id: randomUUID(),
        sequence,
        occurredAt: new Date(Date.parse('2026-11-25T10:00:00Z') + sequence * 1000).toISOString(),
        actorId: randomUUID(),
        action: 'user.role_changed',
        targetType: 'user',
        targetId: randomUUID(),
        before: { role: 'MEMBER' },
        after: { role: 'ADMIN' },
        requestId: `req-${sequence}`,
        ...overrides,
      };
      this.entries.push(entry);
      return entry;
    });
  }

  route: Route = (req) => {
    if (req.method !== 'GET' || req.path !== '/internal/audit-entries') return problem(404, 'NOT_FOUND', 'no route');
    if (!isServiceToken(req)) return problem(403, 'FORBIDDEN', 'service tokens only');
    const after = Number(req.query.get('after') ?? 0);
    const limit = Number(req.query.get('limit') ?? 100);
    const items = this.entries.filter((e) => e.sequence > after).slice(0, limit);
    return { status: 200, body: { items, nextAfter: items[items.length - 1]?.sequence ?? after } };
  };
}

/** Every downstream admin-service calls, each a real HTTP server. */
export class Downstreams {
  readonly directory = new UserDirectory();
  readonly sessions: SessionStore;
  readonly bookingCounts = new BookingCounts();
  readonly alphaTrail = new AuditTrail();
  readonly betaTrail = new AuditTrail();

  readonly userService = new StubServer(this.directory.route);
  readonly authService: StubServer;
  readonly bookingService = new StubServer(this.bookingCounts.route);
  readonly reportingService = new StubServer(reportingRoute);
  /** two audit sources, named alpha-service and beta-service in AUDIT_SOURCES */
  readonly alphaSource = new StubServer(this.alphaTrail.route);
  readonly betaSource = new StubServer(this.betaTrail.route);

  private constructor(mintServiceToken: (clientId: string) => Promise<string>) {
    this.sessions = new SessionStore(mintServiceToken);
    this.authService = new StubServer(this.sessions.route);
  }

  static async start(mintServiceToken: (clientId: string) => Promise<string>): Promise<Downstreams> {
    const d = new Downstreams(mintServiceToken);
    for (const server of d.servers) await server.start();
    return d;
  }

  private get servers(): StubServer[] {
    return [
      this.userService,
      this.authService,
      this.bookingService,
      this.reportingService,
      this.alphaSource,
      this.betaSource,
    ];
  }

  get env(): Record<string, string> {
    return {
      USER_SERVICE_URL: this.userService.url,
      AUTH_SERVICE_URL: this.authService.url,
      BOOKING_SERVICE_URL: this.bookingService.url,
      REPORTING_SERVICE_URL: this.reportingService.url,
      AUDIT_SOURCES: `alpha-service=${this.alphaSource.url},beta-service=${this.betaSource.url}`,
    };
  }

  /** Every stub answering again, at once, on every path. */
  async reset(): Promise<void> {
    for (const server of this.servers) {
      server.reset();
      if (!server.listening) await server.start();
    }
  }

  async close(): Promise<void> {
    for (const server of this.servers) await server.stop();
  }
}
