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

  constructor(private readonly route: (path: string) => { status: number; body: unknown }) {}

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
    const { status, body } = this.route(req.url ?? '/');
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

  static async start(): Promise<Downstreams> {
    const d = new Downstreams();
    await d.userService.start();
    await d.workspaceService.start();
    return d;
  }

  get env(): Record<string, string> {
    return { USER_SERVICE_URL: this.userService.url, WORKSPACE_SERVICE_URL: this.workspaceService.url };
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
  }
}

function lookup<T>(map: Map<string, T>, path: string, pattern: RegExp, code: string) {
  const id = pattern.exec(path)?.[1];
  const found = id ? map.get(id) : undefined;
  return found ? { status: 200, body: found } : { status: 404, body: { code, detail: 'not found', status: 404 } };
}
